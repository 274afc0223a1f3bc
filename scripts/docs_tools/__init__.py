"""Compare the vendor's doc pages with openapi/card-api.yaml and report every difference ("drift").

    python scripts/docs_check.py [--json] [--spec PATH] SOURCE...
    python scripts/docs_check.py pull [--base URL] [--cache DIR] [--section NAME]... [--spec PATH] [--json]

``make docs-check`` runs the first form over the saved pages in ``DOCS_CACHE`` (default ``.cache/docs``);
``make docs-pull`` runs the second (network needed): it downloads the Card API pages into that cache,
then checks them.

Sources
-------
A SOURCE is a file, a folder (every ``*.md``, ``*.markdown``, ``*.txt``, ``*.html`` and ``*.htm`` below it,
recursively) or an ``http(s)://`` address (fetched with httpx: 5 s to connect, 20 s to read). A folder that
holds an ``index.json`` written by ``pull`` lends each file its page address for the report. A file that is
an llms.txt index (see below) is skipped with a note: it lists pages, it is not one. Every page is read in
one of two forms, recognised by its content:

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
  ``optional`` line; any other line (descriptions, examples, code samples) is passed over. Rendered text
  does not reliably show formats or limits, so **formats and limits are never compared for rendered
  pages**.
  Nesting: when the field name lines are indented differently, deeper lines are the children of the
  object (or array of objects) above them. Flat text (the usual case: indentation is lost) cannot say where
  a nested object ends, so each field is placed under the innermost open object in which the spec knows a
  field of that name, else under the innermost open object. Limitation: a field the spec does not know that
  follows a nested object is reported inside that object.

A page that is neither, an empty or binary file, malformed YAML, or an address that cannot be fetched is
an error (exit 2, with the reason per source).

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
Pages are matched to the spec's operations by method and path; several pages on one path (the docs'
"Request status" and "Transaction request status") are merged: the union of their fields, a field required
only when every page showing that side requires it; the report says which page showed which field. Per
operation, these differences are drift (their ``kind`` in brackets):

* a method and path the spec does not have [``new-operation``];
* a field on the page, not in the spec [``added``]; in the spec, not on the page [``removed``] (a nested
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
  differs: added|removed|required|type|format|limits|status|doc-status, why: "..."}`` (``field`` is left out for
  ``status`` and ``doc-status``).
* On a property schema, ``x-doc-deviation: {differs: limits, why: "..."}`` (``differs`` one kind or a list):
  those differences on that field are declared, any other is still drift (so a bound the spec adds can be
  declared without hiding a later change of required-ness). The plain form ``x-doc-deviation: "why"``
  declares any difference on the field. On a shared component it applies wherever the component is used.

A declared difference is not drift: it is listed under "declared deviations" with its why. A declaration
that matches no difference on a checked side is drift of its own ("stale declaration"), except a
declaration of a format or limits on a field that only rendered pages show: those cannot show it hold or
go, so it gets a note ("not checked"). ``x-doc-page`` is printed with the operation; ``x-doc-status`` is
checked as above.

Exit status and output
----------------------
0: no drift. 1: drift (one line per difference, grouped by operation, then the declared deviations, the
operations not checked, and a total). 2: a source that cannot be read or recognised (the reason per
source), no page at all, or a spec that cannot be read.

``--json`` prints the same report as one JSON object (keys are stable)::

    {"spec": path, "drift": bool,
     "totals": {"pages", "operations_checked", "operations_not_checked", "drift", "declared"},
     "pages": [{"source", "url", "form": "markdown"|"rendered", "title", "method", "path",
                "apidog_status", "request_fields": [path]|null, "response_fields": [path]|null}],
     "operations": [{"method", "path", "operation_id"|null, "doc_status", "doc_page", "deprecated",
                     "pages": [{"source", "title", "request_fields", "response_fields"}],
                     "drift": [difference], "declared": [difference], "notes": [text]}],
     "declared": [difference + {"method", "path"}],
     "not_checked": [{"method", "path", "operation_id", "doc_status", "doc_page"}],
     "skipped": [text]}

    difference = {"kind", "field" (e.g. "request.card_id") | null, "page": text|null, "spec": text|null,
                  "pages": [source], "message": text, "why": text|null, "declared_in": "operation"|"property"|null}

On exit 2 with ``--json`` the output is ``{"errors": [{"source", "reason"}]}``.

Pulling the pages (``pull``)
----------------------------
``pull`` reads ``<base>/llms.txt`` (``--base``, default https://docs.freedompay.kz; ``make docs-pull
DOCS_BASE=...``), an index of the site's pages: Markdown list lines ``- [Title](https://.../page.md):
description``, under ``#`` headings, possibly after a folder path (``Card API > Payment Cards [Title](..)``)
or nested under link-less list items. A page is selected when one of the headings, folders or list items
above it is named like a ``--section`` (default "Payment Cards" and "Gift Cards", case-insensitive), and
its address is an endpoint page (``api-<id>`` or ``<slug>-<id>e0``; Apidog's text pages, ``doc-<id>`` or
``<slug>-<id>m0``, are passed over). Each selected page's ``.md`` is saved as ``api-<id>.md`` in the cache
(written to a temporary file, then renamed), ``llms.txt`` is saved beside them, and ``index.json`` records
per page its file, address, title, trail, fetch time and SHA-256; files an earlier pull saved that are no
longer selected are removed. Then the cache is checked as above and that check's exit status returned.
Without network it fails at once (the host is resolved first, with a 3 s limit) with exit 2.
A source literally named ``pull`` is written ``./pull``.

The package (scripts/docs_tools/)
----------------------------------
One module per stage; ``scripts/docs_check.py`` is the entry point.

* ``model``: the page model (``Page`` -> ``Body`` -> ``Facts`` per field path) and the report model;
* ``sources``: files, folders and addresses to pages, and the llms.txt index; ``pull``: saving the pages;
* ``markdown``, ``rendered``, ``html``: reading one page in each form; ``schema``: OpenAPI schemas to fields;
* ``spec``: the spec's operations and declarations; ``compare``: drift; ``report``: text, JSON, exit statuses;
* ``cli``: the command line;
* ``sync``: docs-sync (``scripts/docs_sync.py``), the pages applied to the spec; ``spec_edit``: round-trip
  editing of the spec; ``provenance``: what each operation was last synced from (``x-doc-sync``), which
  docs-check reads to report a page changed since the last sync (kinds ``changed-since-sync``, ``review``).
"""
