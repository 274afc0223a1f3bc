"""Compare the vendor's doc pages with openapi/card-api.yaml and report every difference ("drift").

    python scripts/docs_check.py [--json] [--strict] [--spec PATH] SOURCE...
    python scripts/docs_check.py pull [--base URL] [--cache DIR] [--section NAME]... [--spec PATH] [--json] [--strict]

``make docs-check`` runs the first form over the saved pages in ``DOCS_CACHE`` (default ``.cache/docs``);
``make docs-pull`` runs the second (network needed): it downloads the Card API pages into that cache,
then checks them.

Sources
-------
A SOURCE is a file, a folder (every ``*.md``, ``*.markdown``, ``*.txt``, ``*.html`` and ``*.htm`` below it,
recursively) or an ``http(s)://`` address (fetched with httpx: 5 s to connect, 20 s per read, at most 60 s
and 16 MiB per page). A folder that holds an ``index.json`` written by ``pull`` lends each file its page
address for the report. A file that is an llms.txt index (see below) is skipped with a note: it lists
pages, it is not one. Every page is read in one of these forms, recognised by its content:

* **Apidog Markdown** (the page's address with ``.md`` appended): ``# <title>``, then a section
  ``## OpenAPI Specification`` holding a fenced ``yaml`` block, a whole OpenAPI 3.0 document for the page's
  path(s). Read from it: method, path (``servers[0]``'s path, if any, is tried as a prefix), the request
  body's and the 200 answer's JSON schema (``$ref``, ``allOf``, nested objects and arrays followed), each
  field's type, ``format``, limits (``minLength``, ``maxLength``, ``minimum``, ``maximum``, the exclusive
  bounds, ``pattern``, ``enum``) and required-ness, and the operation's ``x-apidog-status`` (or
  ``deprecated: true``, read as status ``deprecated``).
* **Rendered page text**, as a browser or a search corpus shows it (an ``.html`` file is first turned into
  text). The navigation tree at the top is skipped: the page starts at a line holding only a method
  (``POST``) whose next line is the page's URL (or path); the title is the line before it, and a line
  between them naming an Apidog status (``Developing``, ``Deprecated``, ...) is the page's status (a title
  saying "deprecated" counts too). The request's fields follow "Body Params", the answer's follow the first
  2xx line after "Responses" (e.g. "🟢200Success"); each field is a name line, a type line (``string``,
  ``integer <int64>``, ``array[object]``, ``string | null`` ...) and optionally a ``required`` or
  ``optional`` line; any other line (descriptions, examples, code samples) is passed over.
  A name may have run on to the end of the line before it (some HTML-to-text conversions drop the line
  break): a line followed by a type line is read as ending in a name, after its last punctuation
  (``...the request failed.request_status``) or, with no punctuation, as the longest name the spec or the
  page (its examples' keys) knows that ends the line; a line no known name ends is a note (that field is
  not read).
  Formats and limits are compared where the text shows them, and only those it shows: a type line's
  ``<format>`` (``integer <int64>``), bound lines under the type (``>= 1 characters<= 16 characters``,
  ``>= 0``), ``Allowed values:`` (on the line or one value per line; compared with the spec's ``enum``,
  or its ``x-known-values`` for an open set) and ``Match pattern:``.
  A page cut before its title/method/URL block takes its method and path from its own request sample
  (``curl ... --request POST 'https://.../v5/...'`` or an HTTP request line ``POST /v5/... HTTP/1.1``) when
  it has an endpoint page's sections (Request samples, Responses, Body Params); its title is then unknown.
  A side without a field table is read from its example (the JSON after the curl ``--data-raw``, or after
  the 2xx line): an example shows which fields exist, not their types or required-ness, and may leave
  optional fields out, so only added fields are compared (and ``x-doc-status`` is "partial" for it). When
  the URL line and the request sample name different paths, the sample's is tried too, with a note.
  Nesting: when the field name lines are indented differently, deeper lines are the children of the
  object (or array of objects) above them. Flat text (the usual case: indentation is lost) cannot say where
  a nested object ends, so each field is placed under the innermost open object in which the spec knows a
  field of that name, else under the innermost open object. Limitation: a field the spec does not know that
  follows a nested object is reported inside that object.

* **Doc pages** (Apidog text pages: the Card API's Overview and Dictionaries), Markdown without an OpenAPI
  section, recognised by a text page's address or file name (``doc-<id>``, ``<slug>-<id>m0``) or by their
  title: their tables are compared with what the spec binds to them with ``x-doc-dictionary`` (enums and
  ``x-known-values``, the fields a section requires, a header's name); see ``docs_tools/docpages.py``.
  A Dictionaries change is reported like a page change (a value added or gone, a section gone), and a
  table no binding reads is named in a note.

A page that is neither, an empty or binary file, malformed YAML, or an address that cannot be fetched is
unreadable: it is reported by name with its reason, and every readable source is still compared (exit 0 or
1 by drift). Exit 2 only when nothing could be read or the spec cannot be, or with ``--strict`` when any
source could not be read. Each page gets its Apidog page id from its address or file name (``api-<id>``,
``<slug>-<id>e0``).

Field names
-----------
Fields are named by their path from the body: ``client.phone`` (a field of an object),
``operations[].amount`` (a field of the objects in an array), prefixed with the side when a difference is
reported: ``request.client.phone``, ``response.cards[].card_id``. Types are ``string``, ``integer``,
``number``, ``boolean``, ``object``, ``array[<item type>]`` (``array`` when the items are not shown),
alternatives joined by ``|`` with ``null`` last: the spec's 3.1 ``type: [string, "null"]`` and a page's 3.0
``nullable: true`` are both ``string|null``. ``integer`` and ``number`` are different types.

What is compared
----------------
Pages are matched to the spec's operations by method and path, else by page id (the spec's ``x-doc-page``, or a
page ``docs-sync`` recorded in ``x-doc-sync``: a page that moved is reported as [``path``] on its operation, not as
a new one); several pages on one path (the docs'
"Request status" and "Transaction request status") are merged: the union of their fields, a field required
only when every page showing that side requires it; the report says which page showed which field. Per
operation, these differences are drift (their ``kind`` in brackets):

* a method and path the spec does not have [``new-operation``], unless the spec's root
  ``x-unmodelled-pages`` lists the page (``{page: <page id>, title, path: <path or null>, why}``): then it
  is reported as "listed, not modelled", which is not drift;
* an operation whose ``x-doc-page`` the llms.txt index among the sources (``pull`` saves it in the cache)
  no longer lists [``gone``]; without an index, or when the index lists it, an operation without a page is
  "not checked";
* a field on the page, not in the spec [``added``: with what the page says of it, type, format, enum,
  limits and description]; in the spec, not on the page [``removed``] (a nested
  object missing whole is reported once, not field by field); required-ness, type, format or limits that
  differ [``required``, ``type``, ``format``, ``limits``] (a bound the spec adds for the client's own checks,
  such as a ``maxLength`` on ids, is a difference to declare). A side (request or answer) no page shows,
  and the fields of an object the page shows without its fields, are not checked (said in a note);
* an Apidog status other than ``released`` [``status``]: ``deprecated`` (or ``obsolete``) is drift unless
  the spec marks the operation ``deprecated: true`` (then a note), any other status (``developing``,
  ``testing`` ...) is drift; a spec operation marked ``deprecated: true`` whose page says ``released`` too;
* a doc status the page contradicts [``doc-status``]: ``x-doc-status: documented`` whose pages show no
  request body or no response fields ("claims more than the page shows"); ``partial`` whose pages show
  both, or ``inferred`` when a page exists at all ("claims less");
* a stale declaration (below) [``stale-declaration``].

Spec operations no page was read for are listed under "not checked": that is not drift.

Declaring a deliberate difference (in the spec)
-----------------------------------------------
* On an operation, ``x-doc-deviations``: a list of ``{field: request.card_id | response.cards[].card_id,
  differs: added|removed|required|type|format|limits|status|doc-status|gone, why: "..."}`` (``field`` is left
  out for ``status``, ``doc-status`` and ``gone``).
* On a property schema, ``x-doc-deviation: {differs: limits, why: "..."}`` (``differs`` one kind or a list):
  those differences on that field are declared, any other is still drift (so a bound the spec adds can be
  declared without hiding a later change of required-ness). The plain form ``x-doc-deviation: "why"``
  declares any difference on the field. On a shared component it applies wherever the component is used.

A declared difference is not drift: it is listed under "declared deviations" with its why. A declaration
that matches no difference on a checked side is drift of its own ("stale declaration") only when its page
was read, or left the index (``gone``: then every ``x-doc-deviations`` entry of the operation is stale).
It gets a note ("not checked") instead when no page read can show it: the operation's own page (its
``x-doc-page``) is not among the sources while other pages of its path are; the field lies under an object
the page shows without its fields, or the side is shown by an example only; or a format or limits the
pages read do not state. ``x-doc-page`` is printed with the operation; ``x-doc-status`` is
checked as above.

Exit status and output
----------------------
0: no drift. 1: drift (one line per difference, grouped by operation, then the declared deviations, the
operations not checked, the pages listed but not modelled, the unreadable sources, and a total). 2: no
readable page at all, a spec that cannot be read, or (``--strict``) any source that cannot be read.

``--json`` prints the same report as one JSON object (keys are stable)::

    {"spec": path, "drift": bool,
     "totals": {"pages", "operations_checked", "operations_not_checked", "drift", "declared", "unreadable",
                "listed_not_modelled", "doc_pages"},
     "pages": [{"source", "url", "form": "markdown"|"rendered", "title", "method", "path", "page_id",
                "apidog_status", "request_fields": [path]|null, "response_fields": [path]|null}],
     "operations": [{"method", "path", "operation_id"|null, "doc_status", "doc_page", "deprecated",
                     "pages": [{"source", "title", "request_fields", "response_fields"}],
                     "drift": [difference], "declared": [difference], "notes": [text]}],
     "declared": [difference + {"method", "path"}],
     "not_checked": [{"method", "path", "operation_id", "doc_status", "doc_page",
                      "listed": bool|null (the index lists its page; null: no index)}],
     "skipped": [text],
     "unreadable": [{"source", "reason"}],
     "listed_not_modelled": [{"page", "title", "path", "why", "pages": [source]}],
     "doc_pages": [{"source", "url", "page_id", "title", "sha256", "sections": [heading],
                    "drift": [difference], "declared": [difference], "notes": [text]}],
     "notes": [text]}

    difference = {"kind", "field" (e.g. "request.card_id") | null, "page": text|null, "spec": text|null,
                  "pages": [source], "message": text, "why": text|null, "declared_in": "operation"|"property"|null,
                  "details": {"type", "format", "enum", "limits", "description"}|null (added fields)}

On exit 2 with ``--json`` the output is ``{"errors": [{"source", "reason"}]}``.

Pulling the pages (``pull``)
----------------------------
``pull`` reads ``<base>/llms.txt`` (``--base``, default https://docs.freedompay.kz; ``make docs-pull
DOCS_BASE=...``), an index of the site's pages: Markdown list lines ``- [Title](https://.../page.md):
description``, under ``#`` headings, possibly after a folder path (``Card API > Payment Cards [Title](..)``)
or nested under link-less list items. A page is selected when one of the headings, folders or list items
above it is named like a ``--section`` (default "Payment Cards" and "Gift Cards", case-insensitive), and
its address is an endpoint page (``api-<id>`` or ``<slug>-<id>e0``). Each selected page's ``.md`` is saved
as ``api-<id>.md`` in the cache; the text pages of those sections (``doc-<id>`` or ``<slug>-<id>m0``:
Overview, Dictionaries) as ``doc-<id>.md``, and so is every text page the spec's ``x-doc-dictionary``
bindings read, whatever section lists it (the Card API Overview sits under "Card API"; one the index does
not list is named on stderr), a text page that cannot be fetched leaving only a warning (each written to a
temporary file, then renamed). A page whose ``.md`` is missing (any failure, such as a
404, or an HTML answer where the Markdown should be) is saved from its rendered page (its address without
``.md``): an endpoint page's HTML turned into text (``api-<id>.txt``, read as rendered page text), a text
page's into Markdown headings and pipe tables from its ``<h1>`` on (``doc-<id>.md``), or the text as served;
the pull says so on stderr and in ``index.json`` (``fallback``: why). ``llms.txt`` is saved beside them, and
``index.json`` records per page its file, address, title, trail, fetch time and SHA-256; files an earlier
pull saved that are no longer selected are removed. Then the cache is checked as above and that check's
exit status returned. Without network it fails at once (the host is resolved first, with a 3 s limit) with
exit 2. Every fetch (``pull``'s and an address given as a SOURCE) is streamed and given up past 16 MiB or
60 s per page.
A source literally named ``pull`` is written ``./pull``.

The package (scripts/docs_tools/)
----------------------------------
One module per stage; ``scripts/docs_check.py`` is the entry point.

* ``model``: the page model (``Page`` -> ``Body`` -> ``Facts`` per field path) and the report model;
* ``sources``: files, folders and addresses to pages, and the llms.txt index; ``pull``: saving the pages;
* ``markdown``, ``rendered``, ``html``: reading one page in each form; ``schema``: OpenAPI schemas to fields;
* ``docpages``: doc pages (Overview, Dictionaries) and the spec's ``x-doc-dictionary`` bindings;
* ``spec``: the spec's operations and declarations; ``compare``: drift; ``report``: text, JSON, exit statuses;
* ``cli``: the command line;
* ``sync``: docs-sync (``scripts/docs_sync.py``), the pages applied to the spec; ``spec_edit``: round-trip
  editing of the spec; ``provenance``: what each operation was last synced from (``x-doc-sync``), which
  docs-check reads to report a page changed since the last sync (kinds ``changed-since-sync``, ``review``).
* ``fixtures``: tests/fixtures/docs/current rewritten from a pull, reduced to the pages' structure with every
  description in generated words (``scripts/refresh_doc_fixtures.py``, ``make docs-fixtures``).
"""
