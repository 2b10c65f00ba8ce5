// libFuzzer's driver, for the fuzz targets in Fuzz/ (built with -sanitize=fuzzer by scripts/fuzz). Only those call
// it: nothing else references LLVMFuzzerRunDriver, so the normal build links without libFuzzer.
#pragma once
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// Runs libFuzzer with the command line `argc`/`argv`, calling `callback` on every input.
static inline int lx_fuzz_run_driver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
