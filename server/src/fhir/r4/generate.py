#!/usr/bin/env python3
"""Writes elements.json and valuesets.json: the FHIR R4 (4.0.1) element lists of every resource
type (a stored resource may contain any of them) and of every datatype, with the value sets of
their *required* bindings (R4 terminologies.html#required), from the npm package `fhir` 4.12.0
(Lantana Consulting's FHIR.js, ISC licence), files profiles/types.json and profiles/valuesets.json,
themselves generated from the R4 StructureDefinitions and ValueSet expansions.

    npm pack fhir@4.12.0 && tar xzf fhir-4.12.0.tgz
    python3 server/src/fhir/r4/generate.py package/profiles server/src/fhir/r4

elements.json: {"TypeName": {"kind": "resource" | "complex-type" | "primitive-type",
                              "elements": [[name, type, many, required, choice, binding], ...]}}
with each backbone element as its own type named "Resource.path" (its elements nested there),
`many`/`required` as 0/1, `choice` the choice group ("occurrence[x]") or "", and `binding` the
canonical URL of the element's required value set or "" (extensible, preferred and example
bindings do not limit what is valid, so they are not kept).

valuesets.json: {"url": {"system": ["code", ...]}} for every value set a kept binding names and
the package expands. Three that R4 defines by a grammar, not a list, are named in GRAMMARS below
(the checker tests their shape instead); a required binding to any other unexpanded value set
stops the generator.
"""
import json
import os
import sys

# Required value sets that R4 defines by an external grammar rather than a list of codes; the
# checker (validate.rs) reads the first two with the `mime` and `iso_currency` crates; UCUM
# units are bound this way only in types the portal does not keep.
GRAMMARS = {
    "http://hl7.org/fhir/ValueSet/mimetypes",  # BCP 13 (RFC 4289) media types
    "http://hl7.org/fhir/ValueSet/currencies",  # ISO 4217 currency codes
    "http://hl7.org/fhir/ValueSet/ucum-units",  # UCUM expressions
}

# The types the portal keeps or answers (the unit tests check each is present).
STORED = [
    "Patient", "Encounter", "Condition", "AllergyIntolerance", "Immunization", "Observation",
    "DiagnosticReport", "MedicationRequest", "MedicationStatement", "Procedure", "DocumentReference",
    "CarePlan", "CareTeam", "Claim", "ExplanationOfBenefit",
    "ImagingStudy", "MedicationAdministration", "Device", "SupplyDelivery",
    "Organization", "Practitioner", "PractitionerRole", "Location", "Medication", "Provenance",
]

source, target = sys.argv[1], sys.argv[2]
types = json.load(open(os.path.join(source, "types.json")))
expansions = json.load(open(os.path.join(source, "valuesets.json")))
out = {}
value_sets = {}
unexpanded = set()


def binding(prop):
    if prop.get("_valueSetStrength") != "required":
        return ""
    url = prop["_valueSet"].split("|")[0]
    if url in GRAMMARS:
        return url
    if url not in expansions:
        unexpanded.add(url)
        return url
    systems = {}
    for system in expansions[url].get("systems", []):
        systems.setdefault(system["uri"], []).extend(code["code"] for code in system.get("codes", []))
    value_sets[url] = {system: sorted(set(codes)) for system, codes in systems.items()}
    return url


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
            binding(prop),
        ])
    out[name] = {"kind": kind, "elements": elements}


for name, definition in types.items():
    kind = definition.get("_kind")
    if kind in ("primitive-type", "complex-type", "resource") and definition.get("_properties"):
        walk(name, definition.get("_properties", []), kind)

# Value sets of types the portal neither keeps nor contains may stay unexpanded; any other stops here.
kept = set(STORED) | {name for name, definition in types.items() if definition.get("_kind") in ("complex-type", "primitive-type")}
blocking = sorted(
    f"{name}.{element[0]} -> {element[5]}"
    for name, definition in out.items()
    if name.split(".")[0] in kept
    for element in definition["elements"]
    if element[5] in unexpanded
)
if blocking:
    sys.exit("required bindings without an expansion:\n" + "\n".join(blocking))

for name, payload in (("elements.json", out), ("valuesets.json", value_sets)):
    with open(os.path.join(target, name), "w") as file:
        json.dump(payload, file, separators=(",", ":"), sort_keys=True)
        file.write("\n")
