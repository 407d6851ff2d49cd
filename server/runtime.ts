// Process-level tuning of the language server, shared with the bench so it measures what runs.
import * as v8 from 'node:v8';

/**
 * Parsing a large file allocates many short-lived objects (tokens, operands); a larger young
 * generation lets most of them die in cheap scavenges instead of being promoted and marked.
 */
export function tuneHeapForParsing(): void {
  v8.setFlagsFromString('--max-semi-space-size=32');
}
