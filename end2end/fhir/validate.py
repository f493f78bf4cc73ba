"""Validates FHIR R4 JSON files with an independent implementation: the PyPI package
`fhir.resources` 6.4.0 (FHIR 4.0.1 models on pydantic). Each file holds one resource (a Bundle's
entries are validated with it). Prints one line per file and exits 1 if any is invalid.

Usage: python validate.py FILE...
"""
import json
import sys

import fhir.resources
from fhir.resources import construct_fhir_element

assert fhir.resources.__fhir_version__ == "4.0.1", fhir.resources.__fhir_version__

failed = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    kind = data.get("resourceType", "?")
    try:
        construct_fhir_element(kind, data)
        entries = len(data.get("entry", [])) if kind == "Bundle" else 0
        print(f"valid {kind} {path}" + (f" ({entries} entries)" if kind == "Bundle" else ""))
    except Exception as error:  # pydantic.ValidationError and unknown resource types alike
        failed += 1
        print(f"INVALID {kind} {path}: {error}")
sys.exit(1 if failed else 0)
