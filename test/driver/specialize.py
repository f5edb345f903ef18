"""Specializes plans compiled without their slice's parameters, with the Spark driver (no Spark
needed): reads `[[plan, params], ...]` as JSON on stdin, prints the list of resulting plans."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "spark"))
import driver  # noqa: E402

print(json.dumps([driver.specialize(plan, params) for plan, params in json.load(sys.stdin)]))
