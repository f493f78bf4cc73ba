"""Reads a record back through the portal's FHIR API with an independent client (PyPI `fhirpy`),
as an API client would: a bearer token, searches that follow the server's paging links, a read.
Prints JSON: the ids found per type, the patient read, and how a type outside the token went.

Usage: python readback.py BASE_URL TOKEN PATIENT_ID
"""
import asyncio
import json
import sys

from fhirpy import AsyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome


async def main(base: str, token: str, patient_id: str) -> None:
    client = AsyncFHIRClient(base, authorization=f"Bearer {token}")
    found = {}
    for kind in ("Immunization", "Encounter"):
        # Two per page, so the client has to follow the server's `next` links.
        resources = await client.resources(kind).search(patient=patient_id).limit(2).fetch_all()
        found[kind] = sorted(resource["id"] for resource in resources)
    patient = await client.reference("Patient", patient_id).to_resource()
    found["Patient"] = patient["id"]
    try:
        await client.resources("Condition").search(patient=patient_id).fetch()
        found["Condition"] = "read"
    except OperationOutcome as outcome:
        found["Condition"] = f"refused: {outcome}"
    print(json.dumps(found))


asyncio.run(main(*sys.argv[1:4]))
