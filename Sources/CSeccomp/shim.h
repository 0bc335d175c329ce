#include <stddef.h>
#include <seccomp.h>
#include <errno.h>

// SCMP_ACT_ERRNO and SCMP_ACT_TRACE are function-like macros; Swift cannot import them.
static inline uint32_t cseccomp_act_errno(uint16_t errno_value) { return SCMP_ACT_ERRNO(errno_value); }
static inline uint32_t cseccomp_act_allow(void) { return SCMP_ACT_ALLOW; }
static inline uint32_t cseccomp_act_kill_process(void) { return SCMP_ACT_KILL_PROCESS; }

// seccomp_rule_add is variadic; these cover the argument comparisons the profiles use.
static inline int cseccomp_rule_add0(scmp_filter_ctx ctx, uint32_t action, int syscall) {
  return seccomp_rule_add_array(ctx, action, syscall, 0, NULL);
}
static inline int cseccomp_rule_add1(scmp_filter_ctx ctx, uint32_t action, int syscall,
                                     unsigned int arg, int op, uint64_t datum_a, uint64_t datum_b) {
  struct scmp_arg_cmp cmp = {.arg = arg, .op = (enum scmp_compare)op, .datum_a = datum_a, .datum_b = datum_b};
  return seccomp_rule_add_array(ctx, action, syscall, 1, &cmp);
}
