#!/usr/bin/env python3
"""Writes elements.json: the FHIR R4 (4.0.1) element lists of every resource type (a stored
resource may contain any of them) and of every datatype, from the npm package `fhir` 4.12.0 (Lantana Consulting's FHIR.js, ISC licence),
file profiles/types.json, itself generated from the R4 StructureDefinitions.

    npm pack fhir@4.12.0 && tar xzf fhir-4.12.0.tgz
    python3 server/src/fhir/r4/generate.py package/profiles/types.json > server/src/fhir/r4/elements.json

Shape: {"TypeName": {"kind": "resource" | "complex-type" | "primitive-type",
                      "elements": [[name, type, many, required, choice], ...]}}
with each backbone element as its own type named "Resource.path" (its elements nested there),
`many`/`required` as 0/1 and `choice` the choice group ("occurrence[x]") or "".
"""
import json
import sys

# The types the portal keeps or answers (the unit tests check each is present).
STORED = [
    "Patient", "Encounter", "Condition", "AllergyIntolerance", "Immunization", "Observation",
    "DiagnosticReport", "MedicationRequest", "MedicationStatement", "Procedure", "DocumentReference",
    "CarePlan", "CareTeam", "Claim", "ExplanationOfBenefit",
    "ImagingStudy", "MedicationAdministration", "Device", "SupplyDelivery",
    "Organization", "Practitioner", "PractitionerRole", "Location", "Medication", "Provenance",
]

types = json.load(open(sys.argv[1]))
out = {}


def walk(name, properties, kind):
    elements = []
    for prop in properties:
        element_type = prop["_type"]
        if element_type == "BackboneElement" or (element_type == "Element" and prop.get("_properties")):
            nested = f"{name}.{prop['_name']}"
            walk(nested, prop.get("_properties", []), "backbone")
            element_type = nested
        elements.append([
            prop["_name"], element_type, int(bool(prop.get("_multiple"))), int(bool(prop.get("_required"))), prop.get("_choice", ""),
        ])
    out[name] = {"kind": kind, "elements": elements}


for name, definition in types.items():
    kind = definition.get("_kind")
    if kind in ("primitive-type", "complex-type", "resource") and definition.get("_properties"):
        walk(name, definition.get("_properties", []), kind)

json.dump(out, sys.stdout, separators=(",", ":"), sort_keys=True)
sys.stdout.write("\n")
