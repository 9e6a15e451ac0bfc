"""A loopback stand-in for opendata.cbs.nl that replays recorded CBS responses.

It answers the requests the real `cbsodata` client makes (service document, entity
sets with `$format=json`, `$filter` and server-side paging through
`odata.nextLink`), so tests exercise the real client against real recorded data.

What is recorded and what is reconstructed (see ../shared/data/cbs/SOURCES.md):

- KWB 2024 (85984NED, `kwb_2024_tables`): TableInfos, DataProperties and CategoryGroups
  are the recorded `value` arrays. The data rows are the recorded 8-measure extract of
  every gemeente and wijk (values unchanged, keys padded as CBS pads them); SoortRegio
  and Codering are filled from the code, the region dimension is rebuilt from the
  extract's codes (Title = code: the extract has no names) and has no buurten.
- Health 50090NED (`health_50090_tables`): the data rows are the recorded CSV exports
  of the UntypedDataSet (padded strings, unchanged) of the three waves and age groups
  in subset_4gemeenten; the TypedDataSet is those strings parsed to numbers (empty ->
  null). TableInfos, DataProperties and the dimensions (Leeftijd, Marges,
  WijkenEnBuurten, Perioden) are RECONSTRUCTED from the column names and the keys in
  the CSVs: Titles of topics are the column names split into words, Modified is null
  (not recorded), region Titles are the gemeente name for gemeenten and the code for
  wijken and buurten (the export has no wijk/buurt names).
- Envelopes (`odata.metadata`, `odata.nextLink`, the service document) follow the
  recorded bodies in HenricoWitvliet_CBSOData3.jl.

Faults for the resilience tests: `fault` is called with each request path and may
answer "500", "truncate" (status 200, JSON cut off halfway), "hang" (no answer until
the test ends; the client's timeout fires) or None (answer normally).
"""

from __future__ import annotations

import csv
import json
import re
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from support import REPO

from helpers.config import Paths, Project, load_project

_TERM = re.compile(r"substringof\('([^']*)',\s*WijkenEnBuurten\)|WijkenEnBuurten eq '([^']*)'")


def odata_filter(expression: str, rows: list[dict]) -> list[dict]:
    """The subset of OData v3 that `fetch_table` sends: `substringof`/`eq` terms joined by `or`."""
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
        self.fault: Callable[[str], str | None] = lambda path: None
        self.released = threading.Event()
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
        self.released.set()
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
                fault = server.fault(self.path)
                if fault == "500":
                    self._send(500, {"odata.error": {"message": {"value": "Internal error"}}})
                    return
                if fault == "hang":
                    server.released.wait(10)
                    return
                status, body = server.answer(self.path)
                self._send(status, body, truncate=fault == "truncate")

            def _send(self, status: int, body: dict, truncate: bool = False) -> None:
                data = json.dumps(body).encode("utf-8")
                if truncate:
                    data = data[: len(data) // 2]
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


def kwb_2024_tables(
    shared_cbs: Path, buurten_of: tuple[str, ...] = (), nederland: bool = False
) -> dict[str, dict[str, list]]:
    """KWB 2024 (85984NED) from the real recorded metadata and the real 8-measure extract.

    The data rows are the published values of every gemeente and wijk (keys padded
    as CBS pads them); region type and name columns are filled from the codes.
    With `buurten_of` (gemeente codes), their buurten are added with the
    one measure recorded for them, `AantalInwoners_5` (bernasco folder, KWB 2024 first
    release: the number is the same in the revision, see SOURCES.md item 10), and the
    region dimension is the recorded complete one of KWB 2024 (real names).
    With `nederland`, a row NL00 is served with its region columns and NO measures
    (null, as CBS marks a value it does not publish): the recordings hold no Nederland
    row of KWB 2024, and a cycle needs the row to exist; no value is invented.
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
    if nederland:
        measures = {key: None for key in next(iter(extract.values()))}
        land = {"WijkenEnBuurten": "NL00".ljust(10), "SoortRegio_2": "Land".ljust(10)}
        rows.insert(0, {**land, "Codering_3": "NL00".ljust(10), **measures})
    if buurten_of:
        rows += _kwb_2024_buurten(shared_cbs, {code[2:6] for code in buurten_of})
    if nederland or buurten_of:
        for i, row in enumerate(rows):
            row["ID"] = i
        dimension = _kwb_2024_dimension(shared_cbs, {str(r["WijkenEnBuurten"]) for r in rows})
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


BERNASCO_2024 = "bernasco_misdaad_concentratie_kwb/85984NED_2024"


def _kwb_2024_buurten(shared_cbs: Path, gemeenten: set[str]) -> list[dict]:
    """The recorded buurt inhabitants of KWB 2024 for the gemeenten (numbers, not codes)."""
    path = shared_cbs / BERNASCO_2024 / "Population85984_2024.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            code = record["nhood_id"].strip()
            if code[2:6] in gemeenten:
                rows.append(
                    {
                        "WijkenEnBuurten": code.ljust(10),
                        "SoortRegio_2": "Buurt".ljust(10),
                        "Codering_3": code.ljust(10),
                        "AantalInwoners_5": int(record["population"]),
                    }
                )
    return sorted(rows, key=lambda r: r["WijkenEnBuurten"])


def _kwb_2024_dimension(shared_cbs: Path, keys: set[str]) -> list[dict]:
    """The recorded KWB 2024 region dimension, for the keys served (real names)."""
    path = shared_cbs / BERNASCO_2024 / "WijkenEnBuurten.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {name: (value if value != "" else None) for name, value in record.items()}
            for record in csv.DictReader(handle)
            if record["Key"] in keys
        ]


def _words(name: str) -> str:
    """`ErvarenGezondheidGoedZeerGoed_4` -> `Ervaren gezondheid goed zeer goed` (reconstructed)."""
    words = re.findall(r"[A-Z]?[a-z]+|\d+|[A-Z]+(?![a-z])", re.sub(r"_\d+$", "", name))
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


HEALTH_AGE_TITLES = {
    "20300": "18 jaar of ouder",
    "53115": "18 tot 65 jaar",
    "80200": "65 jaar of ouder",
}
HEALTH_DIMENSIONS = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden"]
HEALTH_STRINGS = ["Gemeentenaam_1", "SoortRegio_2", "Codering_3"]


def health_csv_rows(shared_cbs: Path) -> list[dict[str, str]]:
    """Every recorded 50090NED row of the four-gemeenten subsets, strings as exported."""
    folder = shared_cbs / "ImkeDekkers_Buurtvergelijker_rivm_50090NED" / "subset_4gemeenten"
    rows: list[dict[str, str]] = []
    for path in sorted(folder.glob("50090NED_*_NL_gemeenten_4gm_wijkbuurt.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def health_50090_tables(shared_cbs: Path) -> dict[str, dict[str, list]]:
    """50090NED as CBS serves it: recorded rows, reconstructed metadata (module docstring)."""
    untyped = health_csv_rows(shared_cbs)
    columns = list(untyped[0])
    topics = [c for c in columns if c not in HEALTH_DIMENSIONS]

    def typed(row: dict[str, str]) -> dict:
        out: dict = {"ID": int(row["ID"])}
        for column in columns[1:]:
            text = row[column]
            if column in HEALTH_DIMENSIONS or column in HEALTH_STRINGS:
                out[column] = text
            else:
                # CBS's TypedDataSet has null where the untyped set shows a marker
                out[column] = None if text.strip() in ("", ".", "x") else float(text)
        return out

    properties: list[dict] = [
        {
            "odata.type": "Cbs.OData.Dimension",
            "ID": 0,
            "Position": 0,
            "Type": "Dimension",
            "Key": "Leeftijd",
            "Title": "Leeftijd",
        },
        {
            "odata.type": "Cbs.OData.Dimension",
            "ID": 1,
            "Position": 1,
            "Type": "Dimension",
            "Key": "Marges",
            "Title": "Marges",
        },
        {
            "odata.type": "Cbs.OData.GeoDimension",
            "ID": 2,
            "Position": 2,
            "Type": "GeoDimension",
            "Key": "WijkenEnBuurten",
            "Title": "Wijken en buurten",
            "MapYear": 2020,
        },
        {
            "odata.type": "Cbs.OData.TimeDimension",
            "ID": 3,
            "Position": 3,
            "Type": "TimeDimension",
            "Key": "Perioden",
            "Title": "Perioden",
        },
    ]
    for position, key in enumerate(topics, start=1):
        text = key in HEALTH_STRINGS
        properties.append(
            {
                "odata.type": "Cbs.OData.Topic",
                "ID": 3 + position,
                "Position": position,
                "Type": "Topic",
                "Key": key,
                "Title": _words(key),
                "Description": "reconstructed from the column name (not recorded)",
                "Datatype": "String" if text else "Double",
                "Unit": "" if text else "%",
                "Decimals": 0 if text else 1,
            }
        )
    regions: dict[str, str] = {}
    for row in untyped:
        code = row["WijkenEnBuurten"]
        soort = row["SoortRegio_2"].strip()
        title = row["Gemeentenaam_1"].strip() if soort in ("Gemeente", "Land") else code.strip()
        regions.setdefault(code, title)
    dimension = lambda keys: [{"Key": k, "Title": t} for k, t in keys]  # noqa: E731
    return {
        "50090NED": {
            "TableInfos": [
                {
                    "ID": 0,
                    "Title": "Gezondheid per wijk en buurt; 2012/2016/2020 (indeling 2020)",
                    "Identifier": "50090NED",
                    "Modified": None,
                    "Period": "2012, 2016, 2020",
                    "ShortDescription": "reconstructed TableInfos (the export records none)",
                }
            ],
            "DataProperties": properties,
            "CategoryGroups": [],
            "Leeftijd": dimension(HEALTH_AGE_TITLES.items()),
            "Marges": dimension([("MW00000", "Waarde")]),
            "WijkenEnBuurten": dimension(regions.items()),
            "Perioden": dimension(sorted({(r["Perioden"], r["Perioden"][:4]) for r in untyped})),
            "UntypedDataSet": [
                {k: (v if v != "" else None) for k, v in r.items()} for r in untyped
            ],
            "TypedDataSet": [typed(r) for r in untyped],
        }
    }


# The shipped params/cycle.yaml cut to what the recordings serve: the year 2024, CBS as
# the source over plain HTTP on loopback, no waiting between retries.
RECORDED_CYCLE = (
    ("years: [2019, 2020, 2021, 2022, 2023, 2024]", "years: [2024]"),
    ("base_year: 2020", "base_year: 2024"),
    ("source: demo", "source: cbs"),
    ("use_https: true", "use_https: false"),
    ("backoff_seconds: 2", "backoff_seconds: 0"),
)


def recorded_cycle(text: str, *more: tuple[str, str]) -> str:
    """params/cycle.yaml's text for a cycle on the recordings (plus `more` replacements)."""
    for old, new in (*RECORDED_CYCLE, *more):
        assert old in text, old
        text = text.replace(old, new)
    return text


def set_area_codes(programmes: Path, codes: dict[str, str]) -> None:
    """Give programmes other area codes (the recorded 2024 region list has no buurten)."""
    for key, listed in codes.items():
        path = programmes / f"{key}.yaml"
        text = re.sub(r"codes: \[[^\]]*\]", f"codes: [{listed}]", path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")


# The recorded 2024 region list has no buurten: these two programmes as their wijken.
RECORDED_WIJKEN = {"vollenhove": "WK035502", "betere_buurten": "WK035604, WK035610"}


def recorded_params(root: Path, address: str, *more: tuple[str, str]) -> None:
    """The shipped params under `root`, cut to what the recordings serve (`recorded_cycle`
    plus `more`) and pointed at the loopback server at `address`."""
    cycle = root / "params" / "cycle.yaml"
    text = recorded_cycle(cycle.read_text(encoding="utf-8"), *more)
    cycle.write_text(text.replace("opendata.cbs.nl", address), encoding="utf-8")
    set_area_codes(root / "params" / "programmes", RECORDED_WIJKEN)


GEBIEDEN_2022 = "VNG-Realisatie_Burgerpeiling/85067NED"


def _typed(value: str, datatype: str) -> object:
    """A cbsodataR CSV cell as the TypedDataSet holds it: numbers as numbers, '' as null."""
    if datatype in ("Long", "Integer", "Short"):
        return int(value) if value.strip() else None
    if datatype in ("Double", "Float", "Decimal"):
        return float(value) if value.strip() else None
    return value


class RecordedCsv:
    """A table recorded as cbsodataR CSVs, one CSV row per OData record: the CSVs lose
    JSON types, so integer metadata fields and the data's topics (by their
    DataProperties Datatype) are typed back; padded strings are kept as they are."""

    INTEGERS = frozenset({"ID", "Position", "ParentID", "Decimals", "CategoryGroupID", "MapYear"})

    def __init__(self, folder: Path, data_name: str) -> None:
        self.folder = folder
        self.data_name = data_name

    def read(self, name: str) -> list[dict[str, str]]:
        with (self.folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def metadata(self, name: str) -> list[dict]:
        return [
            {k: (int(v) if v.strip() else None) if k in self.INTEGERS else v for k, v in r.items()}
            for r in self.read(name)
        ]

    def data_sets(self, properties: list[dict]) -> tuple[list[dict], list[dict]]:
        """The TypedDataSet and the UntypedDataSet (every value a string, as CBS serves it)."""
        types = {str(p["Key"]): str(p.get("Datatype") or "") for p in properties}
        data = self.read(self.data_name)
        typed = [
            {k: int(v) if k == "ID" else _typed(v, types.get(k, "String")) for k, v in r.items()}
            for r in data
        ]
        untyped = [{k: int(v) if k == "ID" else v for k, v in r.items()} for r in data]
        return typed, untyped


def gebieden_85067_tables(shared_cbs: Path) -> dict[str, dict[str, list]]:
    """ "Gebieden in Nederland 2022" (85067NED) from the recorded cbsodataR CSVs.

    Every entity set is the recorded one, one CSV row per OData record: TableInfos,
    DataProperties, CategoryGroups, the RegioS dimension and the data rows (345
    gemeenten). The CSVs lose JSON types, so integer fields of the metadata (ID,
    Position, ParentID, Decimals, CategoryGroupID) and the data's numeric topics (by
    their DataProperties Datatype) are typed back; padded strings are kept as they are.
    The UntypedDataSet is the same rows with every value a string, as CBS serves it.
    """
    recorded = RecordedCsv(shared_cbs / GEBIEDEN_2022, "data")
    metadata, properties = recorded.metadata, recorded.metadata("DataProperties")
    typed, untyped = recorded.data_sets(properties)
    return {
        "85067NED": {
            "TableInfos": metadata("TableInfos"),
            "UntypedDataSet": untyped,
            "TypedDataSet": typed,
            "DataProperties": properties,
            "CategoryGroups": metadata("CategoryGroups"),
            "RegioS": metadata("RegioS"),
        }
    }


def closed_port() -> str:
    """An address on loopback where nothing listens: connection refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"127.0.0.1:{port}"


def one_year_project(address: str, retries: int = 1) -> Project:
    """The shipped params, narrowed to 2024 and pointed at the loopback server."""
    project = load_project(Paths.from_root(REPO))
    cycle = project.cycle
    years = cycle.cycle.model_copy(update={"year": 2024, "years": [2024], "base_year": 2024})
    cbs = cycle.cbs.model_copy(
        update={"catalog_url": address, "use_https": False, "retries": retries}
    )
    return project.model_copy(
        update={"cycle": cycle.model_copy(update={"cycle": years, "cbs": cbs, "source": "cbs"})}
    )


CRIME_2023 = "bernasco_misdaad_concentratie_kwb/47018NED_2023"


def crime_47018_tables(shared_cbs: Path) -> dict[str, dict[str, list]]:
    """Registered crime 47018NED (Politie, on dataderden.cbs.nl) from the recorded CSVs.

    TableInfos, DataProperties, SoortMisdrijf, Perioden and CategoryGroups are the
    recorded entity sets (cbsodataR CSVs, integer fields typed back); the data rows are
    the recorded total-crime rows of 2023 for the buurten of the four gemeenten
    (values unchanged; the count typed by its DataProperties Datatype, Long). The
    region dimension is RECONSTRUCTED from the rows' codes (Title = code), as the
    recording has none. The rows come from the April 2024 release, the metadata from
    the August 2024 one (same keys and topic; SOURCES.md item 12).
    """
    recorded = RecordedCsv(shared_cbs / CRIME_2023, "47018NED_2023_totaal_buurt_4gemeenten")
    metadata, properties = recorded.metadata, recorded.metadata("DataProperties")
    typed, untyped = recorded.data_sets(properties)
    data = recorded.read(recorded.data_name)
    regions = [
        {"Key": code, "Title": code, "Description": "", "DetailRegionCode": code}
        for code in sorted({r["WijkenEnBuurten"] for r in data})
    ]
    return {
        "47018NED": {
            "TableInfos": metadata("TableInfos"),
            "UntypedDataSet": untyped,
            "TypedDataSet": typed,
            "DataProperties": properties,
            "CategoryGroups": metadata("CategoryGroups"),
            "SoortMisdrijf": metadata("SoortMisdrijf"),
            "WijkenEnBuurten": regions,
            "Perioden": metadata("Perioden"),
        }
    }


POLITIE_GEMEENTEN = "Sophie-Thoolen_Group-1-7---Criminaliteit-en-"
POLITIE_EXPORTS = ("misdrijven_2022_2023.csv", "Misdrijven_2024.csv")
KWB_2024_REGIONS = "bernasco_misdaad_concentratie_kwb/85984NED_2024/WijkenEnBuurten.csv"


def _politie_export(path: Path) -> tuple[list[str], list[list[str]]]:
    """(periods, region rows) of a data.politie.nl CSV export, values as recorded."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    periods = next(line for line in lines if line and line[0] == "Perioden")[1:]
    start = next(i for i, line in enumerate(lines) if line and line[0] == "Regio's") + 1
    rows = [line for line in lines[start:] if len(line) == len(periods) + 1]
    return periods, rows


def crime_47013_tables(shared_cbs: Path) -> dict[str, dict[str, list]]:
    """Registered crime per gemeente, 47013NED (Politie, on dataderden.cbs.nl), served
    from the recorded data.politie.nl exports of 2022-2023 and 2024 (SOURCES.md item 13).

    The counts are the recorded values (Totaal misdrijven, unchanged). Everything else
    is RECONSTRUCTED, as the exports have no OData metadata: TableInfos (Title from the
    export's title line, Modified null: not recorded), DataProperties (dimensions
    SoortMisdrijf, RegioS, Perioden; topic GeregistreerdeMisdrijven_1, Long), Perioden
    from the export's period row, SoortMisdrijf from the recorded 47018NED dimension
    (same police classification) and RegioS: the export names regions without codes,
    so each gemeente name is matched to its code by the KWB 2024 region list (the
    police's "Utrecht (gemeente)" to "Utrecht"), Nederland is NL01, and regions no
    KWB 2024 gemeente has (regionale eenheden, Buitenland, gemeenten of a later
    indeling) are left out. Keys are padded as CBS pads RegioS keys.
    """
    with (shared_cbs / KWB_2024_REGIONS).open(encoding="utf-8", newline="") as handle:
        codes = {
            r["Title"].strip(): r["Key"].strip()
            for r in csv.DictReader(handle)
            if r["Key"].startswith("GM")
        }
    codes["Nederland"] = "NL01"
    rows: list[dict] = []
    regions: dict[str, str] = {}
    years: list[str] = []
    title = ""
    for name in POLITIE_EXPORTS:
        path = shared_cbs / POLITIE_GEMEENTEN / name
        title = path.read_text(encoding="utf-8-sig").splitlines()[0].strip('"')
        periods, found = _politie_export(path)
        years += periods
        for line in found:
            region = line[0].removesuffix(" (gemeente)").strip()
            if region not in codes:
                continue
            key = codes[region].ljust(6)
            regions[key] = region
            for period, cell in zip(periods, line[1:], strict=True):
                rows.append(
                    {
                        "ID": len(rows),
                        "SoortMisdrijf": "0.0.0 ",
                        "RegioS": key,
                        "Perioden": f"{period}JJ00",
                        "GeregistreerdeMisdrijven_1": int(cell) if cell.strip() else None,
                    }
                )
    untyped = [
        {**r, "GeregistreerdeMisdrijven_1": str(r["GeregistreerdeMisdrijven_1"] or "")}
        for r in rows
    ]
    kinds = RecordedCsv(shared_cbs / CRIME_2023, "").metadata("SoortMisdrijf")
    properties = [
        {
            "ID": 0,
            "Position": 0,
            "ParentID": None,
            "Type": "Dimension",
            "Key": "SoortMisdrijf",
            "Title": "Soort misdrijf",
        },
        {
            "ID": 1,
            "Position": 1,
            "ParentID": None,
            "Type": "GeoDimension",
            "Key": "RegioS",
            "Title": "Regio's",
        },
        {
            "ID": 2,
            "Position": 2,
            "ParentID": None,
            "Type": "TimeDimension",
            "Key": "Perioden",
            "Title": "Perioden",
        },
        {
            "ID": 3,
            "Position": 3,
            "ParentID": None,
            "Type": "Topic",
            "Key": "GeregistreerdeMisdrijven_1",
            "Title": "Geregistreerde misdrijven",
            "Datatype": "Long",
            "Unit": "aantal",
            "Decimals": 0,
        },
    ]
    info = {
        "ID": 0,
        "Title": title,
        "Identifier": "47013NED",
        "Modified": None,
        "Catalog": "Politie",
        "Period": f"{min(years)}-{max(years)}",
        "Language": "nl",
    }
    return {
        "47013NED": {
            "TableInfos": [info],
            "UntypedDataSet": untyped,
            "TypedDataSet": rows,
            "DataProperties": properties,
            "CategoryGroups": [],
            "SoortMisdrijf": kinds,
            "RegioS": [
                {"Key": k, "Title": t, "Description": ""} for k, t in sorted(regions.items())
            ],
            "Perioden": [
                {"Key": f"{y}JJ00", "Title": y, "Description": "", "Status": "Definitief"}
                for y in sorted(set(years))
            ],
        }
    }
