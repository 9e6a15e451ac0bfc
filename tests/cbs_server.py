"""A loopback stand-in for opendata.cbs.nl that replays recorded CBS responses.

It answers the requests the real `cbsodata` client makes (service document, entity
sets with `$format=json`, `$filter` and server-side paging through
`odata.nextLink`), so tests exercise the real client against real recorded data.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

_TERM = re.compile(r"substringof\('([^']*)',\s*WijkenEnBuurten\)|WijkenEnBuurten eq '([^']*)'")


def odata_filter(expression: str, rows: list[dict]) -> list[dict]:
    """The subset of OData v3 that `fetch_kwb` sends: `substringof`/`eq` terms joined by `or`."""
    terms = _TERM.findall(expression)
    if not terms:
        raise ValueError(f"unsupported $filter: {expression}")

    def keep(row: dict) -> bool:
        key = str(row.get("WijkenEnBuurten", ""))
        return any((sub and sub in key) or (eq and eq == key) for sub, eq in terms)

    return [row for row in rows if keep(row)]


class ReplayServer:
    """Serves `tables[table_id][entity_set] = records` on 127.0.0.1 in a thread."""

    def __init__(self, tables: dict[str, dict[str, list]], page_size: int = 10_000) -> None:
        self.tables = tables
        self.page_size = page_size
        self.fail_next = 0
        self.requests: list[str] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:
                server.requests.append(self.path)
                if server.fail_next > 0:
                    server.fail_next -= 1
                    self._send(503, {"error": "Service Unavailable"})
                    return
                status, body = server.answer(self.path)
                self._send(status, body)

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def answer(self, path: str) -> tuple[int, dict]:
        url = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        match = re.fullmatch(r"/ODataFeed/odata/([^/]+)/([^/]*)", url.path)
        if not match or match.group(1) not in self.tables:
            return 404, {"odata.error": {"message": {"value": f"not found: {url.path}"}}}
        table_id, entity = match.groups()
        base = f"http://{self.address}/ODataFeed/odata/{table_id}"
        if entity == "":
            value = [{"name": name, "url": f"{base}/{name}"} for name in self.tables[table_id]]
            return 200, {"odata.metadata": f"{base}/$metadata", "value": value}
        if entity not in self.tables[table_id]:
            return 404, {"odata.error": {"message": {"value": f"no entity set {entity}"}}}
        rows = self.tables[table_id][entity]
        if "$filter" in query:
            rows = odata_filter(query["$filter"], rows)
        skip = int(query.get("$skip", 0))
        body: dict = {
            "odata.metadata": f"{base}/$metadata#Cbs.OData.WebAPI.{entity}",
            "value": rows[skip : skip + self.page_size],
        }
        if skip + self.page_size < len(rows):
            rest = {k: v for k, v in query.items() if k != "$skip"}
            body["odata.nextLink"] = (
                f"{base}/{entity}?{urlencode({**rest, '$skip': skip + self.page_size})}"
            )
        return 200, body


def kwb_2024_tables(shared_cbs: Path) -> dict[str, dict[str, list]]:
    """KWB 2024 (85984NED) from the real recorded metadata and the real 8-measure extract.

    The data rows are the published values of every gemeente and wijk (keys padded
    as CBS pads them); region type and name columns are filled from the codes.
    """
    folder = shared_cbs / "niquedegraaff_kwb2024_85984NED"
    load = lambda name: json.loads((folder / name).read_text(encoding="utf-8"))  # noqa: E731
    extract: dict[str, dict] = load("stripped_filtered_data_2024.json")
    rows = []
    for i, (code, values) in enumerate(sorted(extract.items())):
        rows.append(
            {
                "ID": i,
                "WijkenEnBuurten": code.ljust(10),
                "SoortRegio_2": ("Gemeente" if code.startswith("GM") else "Wijk").ljust(10),
                "Codering_3": code.ljust(10),
                **values,
            }
        )
    dimension = [
        {
            "Key": code.ljust(10),
            "Title": code,
            "Description": "",
            "Municipality": None,
            "DetailRegionCode": code,
        }
        for code in sorted(extract)
    ]
    return {
        "85984NED": {
            "TableInfos": load("TableInfos.json"),
            "UntypedDataSet": rows,
            "TypedDataSet": rows,
            "DataProperties": load("DataProperties.json"),
            "CategoryGroups": load("CategoryGroups.json"),
            "WijkenEnBuurten": dimension,
        }
    }
