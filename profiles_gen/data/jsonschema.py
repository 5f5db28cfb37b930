"""The JSON Schemas of the city files and the target sets (``profiles-gen schema``), made
from the same typed fields that ``validate`` checks, so that an editor and the build agree."""

from __future__ import annotations

from profiles_gen.data.catalogue import load_catalogue
from profiles_gen.data.schema import FILES, KPIS_FILE, MEASUREMENT, json_schema
from profiles_gen.data.targets import TARGETS_FILE

# A target set (targets/<set>.yaml): its fields are targets.TARGETS_FILE.
TARGET_SET_FILE = "target-set.yaml"
TITLES = {TARGET_SET_FILE: "target set (targets/<set>.yaml)"}


def _value_schema(kpi, dp) -> dict:
    """A value as ``validate`` checks it for this KPI or data point: yes/no, or a number
    (not negative; at most 100 for a percentage)."""
    unit = kpi.unit_of(dp)
    if kpi.direction_of(dp) == "yes_no":
        return {"description": f"yes or no ({unit})", "type": "boolean"}
    out = {"description": f"A number in {unit}", "type": "number", "minimum": 0}
    if unit.startswith("%"):
        out["maximum"] = 100
    return out


def _record_schema(kpi, dp=None) -> dict:
    """One KPI's (or data point's) record: the common fields and the value it takes."""
    props: dict = {}
    if dp is None and kpi.data_points:  # reported per data point
        props["data_points"] = {
            "description": "Values per data point",
            "type": "object",
            "additionalProperties": False,
            "properties": {p.id: _record_schema(kpi, p) for p in kpi.data_points},
        }
    else:
        props["value"] = _value_schema(kpi, dp)
    out = {
        "description": f"{kpi.code}: {kpi.name}" + (f" – {dp.name}" if dp else ""),
        "$ref": "#/$defs/record",
        "properties": props,
        "unevaluatedProperties": False,
    }
    if dp is None and not kpi.data_points:  # a value, or status: not_reported
        out["anyOf"] = [
            {"required": ["value"]},
            {"properties": {"status": {"const": "not_reported"}}, "required": ["status"]},
        ]
    return out


def _common_record() -> dict:
    """What every KPI and data point record shares, and the checks ``validate`` makes."""
    fields = {k: v for k, v in MEASUREMENT.fields.items() if k != "value"}
    return {
        "type": "object",
        "properties": {k: json_schema(v) for k, v in fields.items()},
        "dependentRequired": {"target": ["target_source"]},
        "if": {"properties": {"status": {"const": "not_reported"}}, "required": ["status"]},
        "then": {"not": {"anyOf": [{"required": ["value"]}, {"required": ["data_points"]}]}},
    }


def kpis_schema() -> dict:
    """``kpis.yaml`` with the catalogue: known KPI ids (or their official codes), and per KPI
    the value it takes and its data points. Editors check what staff type against it."""

    catalogue = load_catalogue()
    props = {
        key: {"$ref": f"#/$defs/{kpi.id}"}
        for kpi in catalogue.kpis
        for key in dict.fromkeys((kpi.id, kpi.code, *kpi.code_aliases))
    }
    return {
        "description": KPIS_FILE.description,
        "type": ["object", "null"],  # an empty file: nothing reported yet
        "additionalProperties": False,
        "properties": props,
        "$defs": {
            "record": _common_record(),
            **{k.id: _record_schema(k) for k in catalogue.kpis},
        },
    }


def _target_schema(kpi, dp) -> dict:
    """A target as ``targets.check_target`` takes it for this KPI or data point: yes for a
    yes/no KPI, else a number (above 0 where higher is better; at most 100 for a percentage);
    nothing for a KPI that is not scored; ``direction``, if given, the catalogue's."""
    direction = kpi.direction_of(dp)
    if direction is None:
        return {"description": "Not scored (no agreed direction): no target", "not": {}}
    if direction == "yes_no":
        target: dict = {"const": True}
    else:
        target = {"type": "number", "minimum": 0}
        if direction == "higher":
            target = {"type": "number", "exclusiveMinimum": 0}
        if kpi.unit.startswith("%"):
            target["maximum"] = 100
    return {"properties": {"target": target, "direction": {"const": direction}}}


def _target_entry_rules(catalogue, without: bool = False) -> list[dict]:
    """Per KPI (by any name it is known by): its data points, and the target it takes."""
    rules = []
    for kpi in catalogue.kpis:
        names = list(dict.fromkeys((kpi.id, kpi.code, *kpi.code_aliases)))
        if not kpi.data_points:
            then: dict = {"not": {"required": ["data_point"]}}
            if not without:
                then = {"allOf": [then, _target_schema(kpi, None)]}
        else:
            points = {"properties": {"data_point": {"enum": [p.id for p in kpi.data_points]}}}
            if without:
                then = points
            else:
                per_point = [
                    {
                        "if": {"properties": {"data_point": {"const": p.id}}},
                        "then": _target_schema(kpi, p),
                    }
                    for p in kpi.data_points
                ]
                then = {"allOf": [points, {"required": ["data_point"]}, *per_point]}
        rules.append({"if": {"properties": {"kpi": {"enum": names}}}, "then": then})
    return rules


def target_set_schema() -> dict:
    """``targets/<set>.yaml`` with the catalogue: known KPIs and data points, the target each
    takes, an English source line and a source for every target."""

    catalogue = load_catalogue()
    schema = json_schema(TARGETS_FILE)
    names = [
        name
        for kpi in catalogue.kpis
        for name in dict.fromkeys((kpi.id, kpi.code, *kpi.code_aliases))
    ]
    for key, without in (("targets", False), ("without", True)):
        entry = schema["properties"][key]["items"]
        entry["properties"]["kpi"]["enum"] = names
        entry["allOf"] = _target_entry_rules(catalogue, without)
    entry = schema["properties"]["targets"]["items"]
    entry["required"] = [*entry["required"], "source"]  # no source, no target
    entry["properties"]["text"]["required"] = ["en"]  # the English source line
    return schema


def all_schemas() -> dict:
    base = "https://unece.org/profiles-gen/schemas/"
    special = {"kpis.yaml": kpis_schema, TARGET_SET_FILE: target_set_schema}
    return {
        name: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": base + name.replace(".yaml", ".schema.json"),
            "title": f"profiles-gen {TITLES.get(name, name)}",
            **(special[name]() if name in special else json_schema(spec)),
        }
        for name, spec in {**FILES, TARGET_SET_FILE: None}.items()
    }
