# One command per task; CI runs `make test`'s script too (.ci/run).
.PHONY: run test demo template schema

run:       ## install and run the dashboard (builds the demo warehouse on first start)
	bash scripts/run.sh

test:      ## install what the tests need and run them all
	bash scripts/test.sh

demo:      ## rebuild the demo warehouse from generated input files
	bash scripts/setup.sh requirements.txt && .venv/bin/python -m etl demo

template:  ## write the empty Excel import template
	bash scripts/setup.sh requirements.txt && .venv/bin/python -m etl template 导入模板.xlsx

schema:    ## regenerate warehouse/schema.sql from etl/spec.py
	.venv/bin/python -m etl.spec > warehouse/schema.sql
