# Shortcuts for the scripts in scripts/ (which are what the README and CI call).
.PHONY: run test bench clean

run:
	scripts/run-course

test:
	scripts/test

bench:
	scripts/benchmark

clean:
	rm -rf .build .build-host reports
