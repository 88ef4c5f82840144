/* The implementation, compiled once and linked into every fuzz target. */
#define LLM_GATEWAY_IMPLEMENTATION
#include "../llm_gateway.h"
