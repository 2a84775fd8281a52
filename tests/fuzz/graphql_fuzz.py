"""Generated GraphQL operations against a running CRM, as one requestor kind
after another; every response classified.

Runs in ``.venv-fuzz`` (see ``requirements.txt`` beside it), not in the
project's environment: hypothesis-graphql builds its operations with
graphql-core 3, the CRM serves them with graphql-core 2. It imports only
those, Hypothesis and the standard library, and talks to the CRM over HTTP
like any client::

    .venv-fuzz/bin/python tests/fuzz/graphql_fuzz.py plan.json

``plan.json`` names the endpoint, the schema file, how many operations to
send as each kind, the bearer token of each kind (null: anonymous), and
values from the seeded database that generated arguments draw from (real
global IDs, emails, signed tokens, cursors) next to random and hostile
ones. Queries and mutations are drawn from the whole schema
(``hypothesis_graphql.from_schema``), most valid against the schema and a
share with one schema violation each (``Mode.NEGATIVE``), with a fixed
seed: the same plan draws the same documents. Every other one is sent with
its arguments moved into variables (JSON the server coerces, rather than
literals it validates). Each is sent as every kind in turn, so the same
operation meets every permission.

A response fails when it is

- ``http_500``: any 5xx status;
- ``untyped``: not JSON, or an error without ``extensions.exception.code``,
  or with ``INTERNAL_ERROR`` (an exception nobody expected), or a mutation
  error whose ``code`` is not an enum value;
- ``leaky``: an error message that shows SQL, a traceback or a framework's
  own message.
- ``no_response``: the connection was refused, reset or timed out.

The report (JSON, to the path the plan names) has the figures per kind and
the first failing requests with their responses.
"""

from __future__ import annotations

import base64
import json
import queue
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import graphql
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

# Share of each kind's operations drawn with one schema violation.
NEGATIVE_SHARE = 0.2
SAMPLES_KEPT = 20
SEED = 8
TIMEOUT_SECONDS = 30

LEAKS = re.compile(
    "|".join(
        (
            r"PostgreSQL",
            r"psycopg",
            r"\bSELECT\b.+\bFROM\b",
            r"Traceback \(most recent call last\)",
            r'File "[^"]+\.py"',
            r"\bdjango\.",
            r"(DataError|IntegrityError|OperationalError|ProgrammingError)\b",
            r"expected a number but got",
            r"value has an invalid format",
            r"is not a valid UUID",
            r"maximum recursion depth",
            r"invalid input syntax",
            r"violates .+ constraint",
            r"relation \"[^\"]+\" does not exist",
            r"object has no attribute",
            r"NoneType",
            r"<!DOCTYPE|<html",
        )
    )
)
ENUM_VALUE = re.compile(r"^[A-Z][A-Z0-9_]*$")

# Values a careless or hostile client sends where the schema says String/ID.
HOSTILE_STRINGS = (
    "",
    " ",
    "a\x00@example.com",
    "no-at-sign",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e309",
    "null",
    "<script>alert(1)</script>",
    "'; DROP TABLE saleor_crm_customerprofile; --",
    "../../etc/passwd",
    "%00",
    "\ud7ff\ue000\uffff",
    "x" * 300,
)


def global_id(type_name: str, pk: str) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


HOSTILE_IDS = (
    global_id("User", "notanumber"),
    global_id("User", "-1"),
    global_id("User", "99999999999999999999999"),
    global_id("Ticket", "not-a-uuid"),
    global_id("Ticket", "00000000-0000-0000-0000-000000000000"),
    global_id("CustomerProfile", "nope"),
    global_id("CustomerProfile", "0"),
    global_id("Order", "\x00"),
    global_id("Nothing", "1"),
    global_id("", ""),
    "not-base64!",
    b64(":"),
)
HOSTILE_CURSORS = (
    b64("nonsense"),
    b64('["not-a-date", "x"]'),
    b64("[null, null]"),
    b64('["2024-01-01T00:00:00+00:00", "not-a-uuid"]'),
    b64('["NaN", 1]'),
    b64("[" * 200),
    b64('{"a": 1}'),
    "%%%",
)


def value_strategies(plan: dict) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """Argument values: the scalar strategies hypothesis-graphql uses, mixed
    with values from the seeded database and hostile ones.
    """
    text = st.text(max_size=40)
    ids = st.one_of(
        st.sampled_from(plan["ids"]) if plan["ids"] else st.nothing(),
        st.sampled_from(HOSTILE_IDS),
        text,
    ).map(nodes.String)
    strings = st.one_of(
        text,
        st.sampled_from(plan["strings"]) if plan["strings"] else st.nothing(),
        st.sampled_from(HOSTILE_STRINGS + HOSTILE_CURSORS),
        st.emails(),
    ).map(nodes.String)
    datetimes = st.one_of(
        st.datetimes().map(lambda d: d.isoformat() + "+00:00"),
        st.datetimes().map(lambda d: d.isoformat()),
        st.sampled_from(
            ("not-a-date", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00", "2024-02-30", "")
        ),
        text,
    ).map(nodes.String)
    json_values = st.recursive(
        st.one_of(
            st.none().map(lambda _: nodes.Null),
            st.booleans().map(nodes.Boolean),
            st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
            st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
            text.map(nodes.String),
        ),
        lambda children: st.one_of(
            st.lists(children, max_size=4).map(nodes.List),
            st.dictionaries(
                st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True), children, max_size=4
            ).map(
                lambda d: nodes.Object(
                    [
                        graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v)
                        for k, v in d.items()
                    ]
                )
            ),
        ),
        max_leaves=8,
    )
    floats = st.one_of(
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.sampled_from((0.0, -0.0, 1e308, -1e308, 5e-324, 0.005, 1346.047)).map(nodes.Float),
        # Valid GraphQL, but past a double: the server reads infinity (and
        # sends it on as JSON's Infinity when moved into the variables).
        st.sampled_from(("1e999", "-1e999")).map(lambda v: graphql.FloatValueNode(value=v)),
    )
    return {
        "ID": ids,
        "String": strings,
        "DateTime": datetimes,
        "GenericScalar": json_values,
        "Float": floats,
        # Amounts (vouchers, refunds): numbers, numeric text, and text that
        # is no finite number.
        "CrmDecimal": st.one_of(
            floats,
            strings,
            st.sampled_from(
                ("12.50", "0", "-1", "1.0001", "NaN", "-Infinity", "1e999", "ten", "")
            ).map(nodes.String),
        ),
    }


def operations(schema: graphql.GraphQLSchema, plan: dict, mode: Mode) -> st.SearchStrategy[str]:
    """Queries and mutations of ``schema``: valid ones (``Mode.POSITIVE``), or
    each with one schema violation (``Mode.NEGATIVE``).
    """
    # No `null` literals: graphql-core 2 (the CRM's, and Saleor's) parses
    # none, so every such document would stop at a syntax error; clients
    # send null in variables.
    return from_schema(schema, custom_scalars=value_strategies(plan), allow_null=False, mode=mode)


def with_variables(schema: graphql.GraphQLSchema, document: str) -> tuple[str, dict]:
    """The same operation with each argument's value moved into a variable
    of the argument's type, as clients send them: the server then coerces
    JSON values (a number too large for an Int, Infinity, a string for an
    enum) instead of literals it has validated.
    """
    type_info = graphql.TypeInfo(schema)
    definitions: list[graphql.VariableDefinitionNode] = []
    values: dict[str, Any] = {}

    class Hoist(graphql.Visitor):
        def leave_argument(self, node, *_):
            argument = type_info.get_argument()
            if argument is None or isinstance(node.value, graphql.VariableNode):
                return None  # an unknown argument (a schema violation) stays as it is
            variable = graphql.VariableNode(name=graphql.NameNode(value=f"v{len(values)}"))
            values[variable.name.value] = graphql.value_from_ast_untyped(node.value)
            definitions.append(
                graphql.VariableDefinitionNode(
                    variable=variable, type=graphql.parse_type(str(argument.type))
                )
            )
            return graphql.ArgumentNode(name=node.name, value=variable)

        def leave_operation_definition(self, node, *_):
            return graphql.OperationDefinitionNode(
                operation=node.operation,
                name=node.name,
                directives=node.directives,
                selection_set=node.selection_set,
                variable_definitions=tuple(definitions),
            )

    edited = graphql.visit(graphql.parse(document), graphql.TypeInfoVisitor(type_info, Hoist()))
    return graphql.print_ast(edited), values


def post(url: str, token: str | None, document: str, variables: dict | None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = {"query": document}
    if variables is not None:
        # Python's JSON writes Infinity for a float too large, as a careless
        # client's would.
        body["variables"] = variables
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:  # refused, reset, timed out: the server gave no answer
        return 0, b""


def classify(status: int, raw: bytes) -> tuple[list[str], list[str], bool]:
    """``(failures, codes, with_data)`` of one response: what is wrong with
    it, the error codes it carries (``CODE: message``, the message cut short
    and its numbers and quoted parts masked), and whether a root field had a
    value.
    """
    failures: list[str] = []
    codes: list[str] = []
    if status == 0:
        return ["no_response"], codes, False
    if status >= 500:
        failures.append("http_500")
    try:
        body = json.loads(raw)
    except ValueError:
        return [*failures, "untyped"], codes, False
    if not isinstance(body, dict):
        return [*failures, "untyped"], codes, False
    for error in body.get("errors") or []:
        code = (((error or {}).get("extensions") or {}).get("exception") or {}).get("code")
        codes.append(f"{code}: {gist(error.get('message'))}")
        if not isinstance(code, str) or not code or code == "INTERNAL_ERROR":
            failures.append("untyped")
        if LEAKS.search(str(error.get("message", ""))):
            failures.append("leaky")
    if status == 200 and "data" not in body and not body.get("errors"):
        failures.append("untyped")
    for error in mutation_errors(body.get("data")):
        if "code" in error:
            codes.append(f"{error['code']}: {gist(error.get('message'))}")
            if not isinstance(error["code"], str) or not ENUM_VALUE.match(error["code"]):
                failures.append("untyped")
        if LEAKS.search(str(error.get("message") or "")):
            failures.append("leaky")
    data = body.get("data")
    with_data = isinstance(data, dict) and any(value is not None for value in data.values())
    return sorted(set(failures)), codes, with_data


def gist(message: Any) -> str:
    """A message with what varies between requests masked, to count kinds of errors."""
    first_line = str(message or "").split("\n", 1)[0]
    text = re.sub(r'"[^"]*"|“[^”]*”|\'[^\']*\'', '"…"', first_line)
    return re.sub(r"\d+", "N", text)[:90]


def mutation_errors(data: Any):
    """The ``errors { field code message }`` entries of a response's data."""
    if not isinstance(data, dict):
        return
    for payload in data.values():
        if isinstance(payload, dict) and isinstance(payload.get("errors"), list):
            yield from (e for e in payload["errors"] if isinstance(e, dict))


def generate(strategy, count: int, seed_value: int, take) -> None:
    """Hand ``take`` ``count`` operations drawn from ``strategy``, the same
    ones every run.
    """

    @seed(seed_value)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(operation):
        take(operation)

    collect()


class Sender(threading.Thread):
    """Sends each operation it is given as every kind in turn, in order, and
    keeps the figures: the requests go out while the next operations are
    drawn (Hypothesis takes as long to draw one as the CRM to answer it).
    """

    def __init__(self, url: str, kinds: dict[str, str | None]) -> None:
        super().__init__(daemon=True)
        self.url, self.kinds = url, kinds
        self.pending: queue.Queue = queue.Queue(maxsize=100)
        self.samples: list[dict] = []
        self.figures: dict[str, dict[str, Any]] = {
            kind: {
                "requests": 0,
                "with_data": 0,
                "statuses": Counter(),
                # Errors by kind of operation, code and message.
                "errors": {"positive": Counter(), "negative": Counter()},
                "failures": Counter(),
                "seconds": 0.0,
            }
            for kind in kinds
        }

    def run(self) -> None:
        while (item := self.pending.get()) is not None:
            for kind, token in self.kinds.items():
                try:
                    self.send(kind, token, *item)
                except Exception as error:  # noqa: BLE001 - counted, and the queue drained
                    self.figures[kind]["failures"]["fuzzer_error"] += 1
                    self.samples.append({"kind": kind, "fuzzer_error": repr(error)})

    def send(self, kind: str, token: str | None, mode: str, document: str, variables) -> None:
        figures = self.figures[kind]
        started = time.perf_counter()
        status, raw = post(self.url, token, document, variables)
        figures["seconds"] += time.perf_counter() - started
        figures["requests"] += 1
        figures["statuses"][str(status)] += 1
        failures, codes, with_data = classify(status, raw)
        figures["with_data"] += with_data
        figures["errors"][mode].update(codes)
        figures["failures"].update(failures)
        if failures and len(self.samples) < SAMPLES_KEPT:
            self.samples.append(
                {
                    "kind": kind,
                    "mode": mode,
                    "failures": failures,
                    "status": status,
                    "query": document,
                    "variables": variables,
                    "response": raw[:2000].decode("utf-8", "replace"),
                }
            )


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(plan_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    schema = graphql.build_schema(Path(plan["schema"]).read_text())
    started = time.perf_counter()
    sender = Sender(plan["url"], plan["kinds"])
    sender.start()
    summary: Counter[str] = Counter()
    documents: set[str] = set()

    def take(mode: str, document: str) -> None:
        variables = None
        # Every other operation goes with its arguments in variables.
        if summary["total"] % 2:
            document, variables = with_variables(schema, document)
        summary["total"] += 1
        summary["mutations" if document.startswith("mutation") else "queries"] += 1
        summary["negative"] += mode == "negative"
        summary["with_variables"] += variables is not None
        documents.add(document)
        sender.pending.put((mode, document, variables))

    negative = round(plan["operations"] * NEGATIVE_SHARE)
    seed_value = plan.get("seed", SEED)
    generate(
        operations(schema, plan, Mode.POSITIVE),
        plan["operations"] - negative,
        seed_value,
        lambda document: take("positive", document),
    )
    generate(
        operations(schema, plan, Mode.NEGATIVE),
        negative,
        seed_value,
        lambda document: take("negative", document),
    )
    summary["distinct"] = len(documents)
    summary["generation_seconds"] = round(time.perf_counter() - started, 1)
    sender.pending.put(None)
    sender.join()
    summary["seconds"] = round(time.perf_counter() - started, 1)
    say(
        f"{summary['total']} generated operations ({summary['distinct']} distinct):"
        f" {summary['queries']} queries, {summary['mutations']} mutations,"
        f" {summary['negative']} with a schema violation, {summary['with_variables']} with"
        f" their arguments in variables; drawn in {summary['generation_seconds']} s,"
        f" all sent in {summary['seconds']} s",
    )
    for kind, figures in sender.figures.items():
        figures["seconds"] = round(figures["seconds"], 1)
        failures = figures["failures"]
        say(
            f"  as {kind:30} {figures['requests']:5} requests ({figures['with_data']} with"
            f" data, {figures['seconds']:5.1f} s): {failures['http_500']} HTTP 500,"
            f" {failures['untyped']} untyped errors, {failures['leaky']} leaky messages"
            + (f", {failures['no_response']} unanswered" if failures["no_response"] else ""),
        )
    report = {"operations": summary, "kinds": sender.figures, "samples": sender.samples}
    Path(plan["report"]).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
