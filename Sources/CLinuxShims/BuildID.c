#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <link.h>
#include <string.h>

struct lx_build_id_search {
    unsigned char *out;
    int capacity;
    int length;
};

// The GNU build-ID note (NT_GNU_BUILD_ID, owner "GNU") among the program headers of the main executable, which
// dl_iterate_phdr reports first (in static executables too).
static int lx_find_build_id(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct lx_build_id_search *search = data;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_NOTE) continue;
        const unsigned char *note = (const unsigned char *)(info->dlpi_addr + header->p_vaddr);
        const unsigned char *end = note + header->p_memsz;
        while (note + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *entry = (const ElfW(Nhdr) *)note;
            const unsigned char *name = note + sizeof(ElfW(Nhdr));
            const unsigned char *descriptor = name + ((entry->n_namesz + 3) & ~3u);
            const unsigned char *next = descriptor + ((entry->n_descsz + 3) & ~3u);
            if (next > end) break;
            if (entry->n_type == NT_GNU_BUILD_ID && entry->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                int length = (int)entry->n_descsz;
                if (length > search->capacity) length = search->capacity;
                memcpy(search->out, descriptor, (size_t)length);
                search->length = length;
                return 1;
            }
            note = next;
        }
    }
    return 1;  // Only the first object, the executable itself.
}

int lx_executable_build_id(unsigned char *out, int capacity) {
    struct lx_build_id_search search = { out, capacity, -1 };
    dl_iterate_phdr(lx_find_build_id, &search);
    return search.length;
}
