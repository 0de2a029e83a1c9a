# vnrestore — the two set-up commands on a fresh machine are `make run` and `make test`;
# both install what they need first (`make setup`).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHARED ?= ../shared
STAMP := $(VENV)/.installed

.PHONY: setup run test bench fuzz models clean help

help:
	@echo "make setup   install system packages (tesseract) and the Python package in $(VENV)"
	@echo "make run     restore the sample OCR document corpora/seeds/000_*.txt and a sample scan into out/"
	@echo "make test    run the test suite"
	@echo "make bench   reports in bench/: report.md (restore), ocr-report.md (scans), metadata-report.md, metadata-heldout-report.md, harm-report.md (and .json)"
	@echo "make fuzz    bench/fuzz-report.md: 1,000 mutated inputs in batches, kill tests (not in CI)"
	@echo "make models  rebuild models/ from $(SHARED)/data and corpora/"

$(STAMP): pyproject.toml
	bash scripts/setup.sh "$(PYTHON)" "$(VENV)"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	mkdir -p out
	$(VENV)/bin/vnrestore restore corpora/seeds/000_bb47239e4054faff.txt -o out/000_restored.txt
	@echo "--- first lines of out/000_restored.txt ---"
	@head -n 8 out/000_restored.txt
	$(PY) scripts/sample_scan.py out/sample-scan.png
	OMP_THREAD_LIMIT=1 $(VENV)/bin/vnrestore run out/sample-scan.png -o out/
	@echo "--- first lines of out/sample-scan.txt (OCR + restore of the rendered scan) ---"
	@head -n 12 out/sample-scan.txt

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/bench.py --shared $(SHARED) --out bench
	$(PY) bench/ocr_bench.py --shared $(SHARED) --out bench
	$(PY) bench/metadata_bench.py --out bench
	$(PY) bench/metadata_heldout_bench.py --shared $(SHARED) --out bench
	$(PY) bench/harm_bench.py --shared $(SHARED) --out bench

models: $(STAMP)
	$(PY) scripts/build_models.py --shared $(SHARED) --out src/diacritic_restore/models

clean:
	rm -rf out .pytest_cache

# not in CI: a long run (about 15 minutes on 2 cores)
fuzz: $(STAMP)
	$(PY) bench/fuzz_bench.py --out bench
