"""`check --format json|sarif|github`: shapes, columns, escaping; SARIF against the 2.1.0 schema.

SARIF validation: the objects we emit are checked against the rules the OASIS SARIF 2.1.0 JSON
schema (sarif-schema-2.1.0.json) states for them: required properties, the allowed property names
(the schema sets ``additionalProperties: false`` on all of them), value types, enumerations,
minimums and URI formats. The subset below is transcribed from the schema rather than vendored, so
the test needs neither the schema file nor ``jsonschema``.
"""
from __future__ import annotations

import io
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List, Tuple
from urllib.parse import urlparse

import pytest

import fixture_harness as fh

from flake8_pymongo_async import cli
from flake8_pymongo_async.rules.registry import GUIDE, RULES, FixAvailability

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MOTOR_IMPORT = "from motor.motor_asyncio import AsyncIOMotorClient\n"
REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.+)$")


def run_check(capsys, *args: str) -> Tuple[int, str, str]:
    status = cli.main(["check", "--isolated", "-j", "1", *args])
    out, err = capsys.readouterr()
    return status, out, err


def text_keys(output: str) -> List[Tuple[str, int, int, str, str]]:
    return [(m["path"], int(m["line"]), int(m["col"]), m["code"], m["text"])
            for m in map(REPORT.match, output.splitlines()) if m]


def write(directory: Path, name: str, source: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


@pytest.fixture()
def in_root(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)


# --- json ------------------------------------------------------------------------------------------


def test_json_has_the_same_findings_as_text(capsys, in_root) -> None:
    _, text, _ = run_check(capsys, "examples/")
    status, out, err = run_check(capsys, "--format", "json", "examples/")
    assert status == 1 and err == ""
    items = json.loads(out)
    assert [(i["filename"], i["location"]["row"], i["location"]["column"], i["code"], i["message"])
            for i in items] == text_keys(text)  # ASCII sources: character column == flake8's column
    for item in items:
        assert set(item) == {"code", "name", "message", "filename", "location", "end_location", "fix", "url"}
        rule = RULES[item["code"]]
        assert item["name"] == rule.name
        assert set(item["location"]) == set(item["end_location"]) == {"row", "column"}
        start = (item["location"]["row"], item["location"]["column"])
        end = (item["end_location"]["row"], item["end_location"]["column"])
        assert end > start
        assert item["url"].startswith("https://")
        if item["fix"] is not None:
            assert set(item["fix"]) == {"applicability", "action"}
            assert item["fix"]["applicability"] in {"safe", "unsafe"}
            assert rule.fix_availability is not FixAvailability.NONE
    assert any(i["fix"] for i in items) and any(i["fix"] is None for i in items)


def test_json_columns_are_characters(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "accents.py", "x = 'café'; import motor\n")
    _, text, _ = run_check(capsys, str(path))
    _, out, _ = run_check(capsys, "--format", "json", str(path))
    (item,) = json.loads(out)
    ((_, _, flake8_col, _, _),) = text_keys(text)
    assert flake8_col == 14  # flake8 counts UTF-8 bytes: é is two
    assert item["location"] == {"row": 1, "column": 13}
    assert item["end_location"] == {"row": 1, "column": 25}


def test_json_of_a_clean_run_is_an_empty_list(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "clean.py", "import os\n")
    assert run_check(capsys, "--format", "json", str(path))[:2] == (0, "[]\n")


# --- github ----------------------------------------------------------------------------------------


def test_github_annotations(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "app.py", MOTOR_IMPORT)
    status, out, _ = run_check(capsys, "--format", "github", "app.py")
    assert status == 1
    message = text_keys(run_check(capsys, "app.py")[1])[0][4]
    assert out == (f"::warning file=app.py,line=1,col=1,endLine=1,endColumn=51,"
                   f"title=PMA101 motor-import::{message}\n")


def test_github_escapes_properties_and_data(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "odd, name:100%.py", MOTOR_IMPORT)
    _, out, _ = run_check(capsys, "--format", "github", "odd, name:100%.py")
    assert out.startswith("::warning file=odd%2C name%3A100%25.py,line=1,")


def test_github_reports_files_that_could_not_be_checked(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "broken.py", "def broken(:\n    pass\n")
    status, out, err = run_check(capsys, "--format", "github", "broken.py")
    assert status == 1 and "syntax error" in err
    assert re.fullmatch(r"::error file=broken\.py,line=1,col=\d+,"
                        r"title=flake8-pymongo-async::syntax error: .+\n",
                        out), out


def test_every_github_line_is_a_workflow_command(capsys, in_root) -> None:
    _, out, _ = run_check(capsys, "--format", "github", *fh.single_file_fixture_args(), "examples")
    pattern = re.compile(r"^::warning file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
                         r"title=PMA\d{3} [a-z0-9-]+::[^\r\n]+$")
    lines = out.splitlines()
    bad = [line for line in lines if not pattern.match(line)]
    assert lines and not bad, bad[:3]


# --- sarif: the 2.1.0 schema's rules for the objects we emit ----------------------------------------

# definition -> (required properties, {property: type}). Types: "string", "integer>=N", "boolean",
# "uri" (absolute), "uri-reference", "enum:a|b", "bag" (propertyBag), "any", "@def" (an object of
# that definition), "[@def]" (an array of them), "{@def}" (an object whose values are @def).
SARIF_SCHEMA: Dict[str, Tuple[Tuple[str, ...], Dict[str, str]]] = {
    "sarifLog": (("version", "runs"), {
        "$schema": "uri", "version": "enum:2.1.0", "runs": "[@run]", "inlineExternalProperties": "any",
        "properties": "bag"}),
    "run": (("tool",), {
        "tool": "@tool", "invocations": "[@invocation]", "conversion": "any", "language": "string",
        "versionControlProvenance": "any", "originalUriBaseIds": "{@artifactLocation}", "artifacts": "any",
        "logicalLocations": "any", "graphs": "any", "results": "[@result]", "automationDetails": "any",
        "runAggregates": "any", "baselineGuid": "string", "redactionTokens": "any",
        "defaultEncoding": "string",
        "defaultSourceLanguage": "string", "newlineSequences": "any",
        "columnKind": "enum:utf16CodeUnits|unicodeCodePoints", "externalPropertyFileReferences": "any",
        "threadFlowLocations": "any", "taxonomies": "any", "addresses": "any", "translations": "any",
        "policies": "any", "webRequests": "any", "webResponses": "any", "specialLocations": "any",
        "properties": "bag"}),
    "tool": (("driver",), {"driver": "@toolComponent", "extensions": "[@toolComponent]",
                           "properties": "bag"}),
    "toolComponent": (("name",), {
        "guid": "string", "name": "string", "organization": "string", "product": "string",
        "productSuite": "string", "shortDescription": "@multiformatMessageString",
        "fullDescription": "@multiformatMessageString", "fullName": "string", "version": "string",
        "semanticVersion": "string", "dottedQuadFileVersion": "string", "releaseDateUtc": "string",
        "downloadUri": "uri", "informationUri": "uri", "globalMessageStrings": "{@multiformatMessageString}",
        "notifications": "[@reportingDescriptor]", "rules": "[@reportingDescriptor]",
        "taxa": "[@reportingDescriptor]", "locations": "[@artifactLocation]", "language": "string",
        "contents": "any", "isComprehensive": "boolean", "localizedDataSemanticVersion": "string",
        "minimumRequiredLocalizedDataSemanticVersion": "string", "associatedComponent": "any",
        "translationMetadata": "any", "supportedTaxonomies": "any", "properties": "bag"}),
    "reportingDescriptor": (("id",), {
        "id": "string", "deprecatedIds": "any", "guid": "string", "deprecatedGuids": "any", "name": "string",
        "deprecatedNames": "any", "shortDescription": "@multiformatMessageString",
        "fullDescription": "@multiformatMessageString", "messageStrings": "{@multiformatMessageString}",
        "defaultConfiguration": "@reportingConfiguration", "helpUri": "uri",
        "help": "@multiformatMessageString", "relationships": "any", "properties": "bag"}),
    "reportingConfiguration": ((), {
        "enabled": "boolean", "level": "enum:none|note|warning|error", "rank": "any", "parameters": "bag",
        "properties": "bag"}),
    "multiformatMessageString": (("text",), {"text": "string", "markdown": "string", "properties": "bag"}),
    "message": ((), {"text": "string", "markdown": "string", "id": "string", "arguments": "any",
                     "properties": "bag"}),
    "invocation": (("executionSuccessful",), {
        "commandLine": "string", "arguments": "any", "responseFiles": "any", "startTimeUtc": "string",
        "endTimeUtc": "string", "exitCode": "integer>=-1000", "ruleConfigurationOverrides": "any",
        "notificationConfigurationOverrides": "any", "toolExecutionNotifications": "[@notification]",
        "toolConfigurationNotifications": "[@notification]", "exitCodeDescription": "string",
        "exitSignalName": "string", "exitSignalNumber": "integer>=0", "processStartFailureMessage": "string",
        "executionSuccessful": "boolean", "machine": "string", "account": "string", "processId": "integer>=0",
        "executableLocation": "@artifactLocation", "workingDirectory": "@artifactLocation",
        "environmentVariables": "any", "stdin": "@artifactLocation", "stdout": "@artifactLocation",
        "stderr": "@artifactLocation", "stdoutStderr": "@artifactLocation", "properties": "bag"}),
    "notification": (("message",), {
        "locations": "[@location]", "message": "@message", "level": "enum:none|note|warning|error",
        "threadId": "integer>=0", "timeUtc": "string", "exception": "any", "descriptor": "any",
        "associatedRule": "any", "properties": "bag"}),
    "result": (("message",), {
        "ruleId": "string", "ruleIndex": "integer>=-1", "rule": "any",
        "kind": "enum:notApplicable|pass|fail|review|open|informational",
        "level": "enum:none|note|warning|error",
        "message": "@message", "analysisTarget": "@artifactLocation", "locations": "[@location]",
        "guid": "string", "correlationGuid": "string", "occurrenceCount": "integer>=1",
        "partialFingerprints": "any", "fingerprints": "any", "stacks": "any", "codeFlows": "any",
        "graphs": "any", "graphTraversals": "any", "relatedLocations": "[@location]", "suppressions": "any",
        "baselineState": "enum:new|unchanged|updated|absent", "rank": "any", "attachments": "any",
        "hostedViewerUri": "uri", "workItemUris": "any", "provenance": "any", "fixes": "any", "taxa": "any",
        "webRequest": "any", "webResponse": "any", "properties": "bag"}),
    "location": ((), {
        "id": "integer>=-1", "physicalLocation": "@physicalLocation", "logicalLocations": "any",
        "message": "@message", "annotations": "[@region]", "relationships": "any", "properties": "bag"}),
    "physicalLocation": ((), {
        "address": "any", "artifactLocation": "@artifactLocation", "region": "@region",
        "contextRegion": "@region", "properties": "bag"}),
    "artifactLocation": ((), {"uri": "uri-reference", "uriBaseId": "string", "index": "integer>=-1",
                              "description": "@message", "properties": "bag"}),
    "region": ((), {
        "startLine": "integer>=1", "startColumn": "integer>=1", "endLine": "integer>=1",
        "endColumn": "integer>=1",
        "charOffset": "integer>=-1", "charLength": "integer>=0", "byteOffset": "integer>=-1",
        "byteLength": "integer>=0", "snippet": "any", "message": "@message", "sourceLanguage": "string",
        "properties": "bag"}),
}


def sarif_errors(value: Any, definition: str = "sarifLog", where: str = "$") -> List[str]:
    errors: List[str] = []
    required, properties = SARIF_SCHEMA[definition]
    if not isinstance(value, dict):
        return [f"{where}: {definition} must be an object"]
    for name in required:
        if name not in value:
            errors.append(f"{where}: {definition} lacks required {name!r}")
    for name, item in value.items():
        if name not in properties:
            errors.append(f"{where}: {definition} does not allow {name!r}")
            continue
        errors.extend(_type_errors(item, properties[name], f"{where}.{name}"))
    if definition == "message" and "text" not in value and "id" not in value:
        errors.append(f"{where}: message needs text or id")
    if definition == "physicalLocation" and "address" not in value and "artifactLocation" not in value:
        errors.append(f"{where}: physicalLocation needs address or artifactLocation")
    return errors


def _type_errors(item: Any, kind: str, where: str) -> List[str]:
    if kind == "any":
        return []
    if kind == "bag":
        if not isinstance(item, dict):
            return [f"{where}: property bag must be an object"]
        tags = item.get("tags", [])
        ok = isinstance(tags, list) and all(isinstance(t, str) for t in tags) and len(set(tags)) == len(tags)
        return [] if ok else [f"{where}.tags: must be unique strings"]
    if kind.startswith("[@"):
        if not isinstance(item, list):
            return [f"{where}: must be an array"]
        return [e for i, x in enumerate(item) for e in sarif_errors(x, kind[2:-1], f"{where}[{i}]")]
    if kind.startswith("{@"):
        if not isinstance(item, dict):
            return [f"{where}: must be an object"]
        return [e for k, x in item.items() for e in sarif_errors(x, kind[2:-1], f"{where}.{k}")]
    if kind.startswith("@"):
        return sarif_errors(item, kind[1:], where)
    if kind.startswith("enum:"):
        return [] if item in kind[5:].split("|") else [f"{where}: {item!r} not in {kind[5:]}"]
    if kind == "string":
        return [] if isinstance(item, str) else [f"{where}: must be a string"]
    if kind == "boolean":
        return [] if isinstance(item, bool) else [f"{where}: must be a boolean"]
    if kind.startswith("integer>="):
        ok = isinstance(item, int) and not isinstance(item, bool) and item >= int(kind[9:])
        return [] if ok else [f"{where}: must be an integer {kind[7:]}"]
    if kind == "uri":
        parsed = urlparse(item) if isinstance(item, str) else None
        absolute = parsed is not None and parsed.scheme and (parsed.netloc or parsed.path)
        return [] if absolute else [f"{where}: not an absolute URI"]
    if kind == "uri-reference":
        ok = isinstance(item, str) and " " not in item and "\\" not in item
        return [] if ok else [f"{where}: not a URI reference"]
    raise AssertionError(kind)


def test_the_validator_catches_mistakes() -> None:
    assert sarif_errors({"version": "2.1.0", "runs": []}) == []
    assert sarif_errors({"runs": []}) == ["$: sarifLog lacks required 'version'"]
    bad_run = {"tool": {"driver": {"name": "x", "rules": [{"name": "no-id"}]}},
               "results": [{"message": {"text": "m"}, "level": "fatal", "extra": 1,
                            "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}]}
    errors = sarif_errors({"version": "2.1.0", "runs": [bad_run]})
    assert any("lacks required 'id'" in e for e in errors)
    assert any("'fatal' not in" in e for e in errors)
    assert any("does not allow 'extra'" in e for e in errors)
    assert any("startLine: must be an integer >=1" in e for e in errors)
    assert any("needs address or artifactLocation" in e for e in errors)


def test_sarif_is_valid_and_complete(capsys, in_root) -> None:
    _, text, _ = run_check(capsys, "examples/")
    status, out, err = run_check(capsys, "--format", "sarif", "examples/")
    assert status == 1 and err == ""
    log = json.loads(out)
    assert sarif_errors(log) == []
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "flake8-pymongo-async"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == sorted(RULES)
    for descriptor in driver["rules"]:
        rule = RULES[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["markdown"].startswith(f"# {rule.code} ({rule.name})")
        assert "## References" in descriptor["fullDescription"]["markdown"]
        assert descriptor["helpUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["invocations"][0]["exitCode"] == 1
    found = []
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] == "warning"
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        region = location["physicalLocation"]["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        found.append((artifact["uri"], region["startLine"], region["startColumn"], result["ruleId"],
                      result["message"]["text"]))
    assert found == text_keys(text)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"


def test_sarif_with_a_syntax_error_and_absolute_paths(capsys, tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.py", "def broken(:\n    pass\n")
    good = write(tmp_path, "a b.py", MOTOR_IMPORT)
    status, out, _ = run_check(capsys, "--format", "sarif", str(broken), str(good))
    log = json.loads(out)
    assert sarif_errors(log) == [] and status == 1
    (run,) = log["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and "syntax error" in notification["message"]["text"]
    (result,) = run["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == good.as_uri() and "%20" in uri


def test_sarif_of_a_clean_run(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, "clean.py", "import os\n")
    status, out, _ = run_check(capsys, "--format", "sarif", str(path))
    log = json.loads(out)
    assert status == 0 and sarif_errors(log) == [] and log["runs"][0]["results"] == []


def test_rule_urls_point_to_the_docs_or_the_guide() -> None:
    from flake8_pymongo_async.output import links

    for rule in RULES.values():
        url = links.rule_url(rule)
        repo = links.repository_url()
        if repo:
            assert url == f"{repo}/blob/HEAD/docs/rules/{rule.code}.md"
        else:
            assert url.startswith(GUIDE)


def test_stdin_json(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MOTOR_IMPORT.encode())))
    status, out, _ = run_check(capsys, "--format", "json", "-", "--stdin-display-name=src/app.py")
    (item,) = json.loads(out)
    assert status == 1 and item["filename"] == "src/app.py" and item["code"] == "PMA101"
