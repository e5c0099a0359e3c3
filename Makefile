# svc-analysis: every target sets up .venv on first use from the pinned lock.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SVC := $(VENV)/bin/svc
STAMP := $(VENV)/.installed-stamp
MONTH ?=
SCALE ?= small
# The Spark extra (docs/scale.md): a separate .venv-spark with the main lock plus pyspark, so .venv stays lean.
SPARK_VENV := .venv-spark
SPARK_PY := $(SPARK_VENV)/bin/python
SPARK_STAMP := $(SPARK_VENV)/.installed-stamp

# Runs use the venv's own python3 kernel spec, never a user-level or global one (see docs/operations.md).
export JUPYTER_PREFER_ENV_PATH := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: report test lab sample lock clean-venv benchmark spark-env spark-lock test-spark

report: $(STAMP)  ## sample data if the warehouse is empty, then the pack for the last complete month
	$(SVC) sample-data --scale $(SCALE) --if-empty
	$(SVC) report $(if $(MONTH),--month $(MONTH),)

test: $(STAMP) $(SPARK_STAMP)  ## every test: pytest, nbval on the helper notebooks and the pack on tiny sample data, with the Spark tests beside it
	@# The Spark tests run beside the main suite (each keeps about one core busy: CI under 30 min on 2);
	@# their output is printed when both are done, and either failing fails the target.
	@log=$$(mktemp); $(SPARK_PY) -m pytest -p no:cacheprovider --durations=15 -m spark tests > $$log 2>&1 & spark=$$!; \
	$(PY) -m pytest -p no:cacheprovider --durations=15 --nbval-lax --nbval-current-env tests notebooks; main=$$?; \
	wait $$spark; sparked=$$?; echo "== the Spark tests (.venv-spark, -m spark) =="; cat $$log; rm -f $$log; \
	test $$main = 0 && test $$sparked = 0

lab: $(STAMP)  ## JupyterLab on the same kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

sample: $(STAMP)
	$(SVC) sample-data --scale $(SCALE)

benchmark: $(STAMP)  ## on demand: province-scale figures into benchmarks/results/
	$(PY) benchmarks/run.py

$(STAMP): pyproject.toml requirements/lock.txt requirements/base.in
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt -r requirements/base.in
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

lock:  ## re-resolve the newest versions into requirements/lock.txt (then run make test)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements/base.in
	( echo '# Pinned, tested set for Python 3.11 (Linux x86_64). Regenerate with `make lock` and run `make test`.'; \
	  .venv-lock/bin/pip freeze --exclude-editable ) > requirements/lock.txt
	rm -rf .venv-lock

clean-venv:
	rm -rf $(VENV) $(SPARK_VENV)

spark-env: $(SPARK_STAMP)  ## .venv-spark: requirements/spark-lock.txt (the main lock plus pyspark) and the package

$(SPARK_STAMP): pyproject.toml requirements/spark-lock.txt requirements/base.in requirements/spark.in
	test -x $(SPARK_PY) || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(SPARK_PY) -m pip install --quiet --disable-pip-version-check -c requirements/spark-lock.txt \
	  -r requirements/base.in -r requirements/spark.in
	$(SPARK_PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(SPARK_STAMP)

test-spark: $(SPARK_STAMP)  ## the Spark tests (marker spark): parity on local mode, a loopback standalone cluster, the pack on Spark
	$(SPARK_PY) -m pytest -p no:cacheprovider -m spark tests

spark-lock:  ## re-resolve pyspark over the main lock into requirements/spark-lock.txt (then make test-spark)
	rm -rf .venv-spark-lock && $(PYTHON) -m venv .venv-spark-lock
	.venv-spark-lock/bin/pip install --quiet -c requirements/lock.txt -r requirements/base.in -r requirements/spark.in
	( echo '# requirements/lock.txt plus the Spark extra (requirements/spark.in), for .venv-spark. Regenerate with `make spark-lock`.'; \
	  .venv-spark-lock/bin/pip freeze --exclude-editable ) > requirements/spark-lock.txt
	rm -rf .venv-spark-lock
