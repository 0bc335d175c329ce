// libyaml (yaml-0.1) for Swift: the parser's event API and the emitter, used by
// SkiffAPI's YAML codec. Only the system header; no C code of our own.
#ifndef SKIFF_CYAML_SHIM_H
#define SKIFF_CYAML_SHIM_H
#include <yaml.h>
#endif
