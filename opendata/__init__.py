"""Open data in and out: imports of SAMHSA, Open Referral (HSDS) and Meeting Guide files, and the
HSDS API, data package and OpenAPI description.

The top layer of the apps: it imports `directory` and `meetings` (whose models it reads and
writes), `places` and `portal`, and no app imports it. Dependencies for its tests: jsonschema
and frictionless validate the exports against the official HSDS schemas and the Table Schema spec.
"""
