/**
 * The diagnostic report: "Download report" (JSON) and "Copy report as Markdown" (for a support
 * ticket or an issue), both built from one redacted {@link Report}, and the verdict that says where
 * to look next. Pure: no DOM, no Svelte. types.ts holds the report shapes, build.ts builds one,
 * redact-text.ts and redact.ts remove secrets, verdict.ts says where to look and markdown.ts writes
 * the Markdown.
 *
 * Redaction is the point of this folder. Reports are pasted into public issues, so a report never
 * holds the authorization code, the code_verifier, a client secret, a refresh token, a token
 * signature, state or nonce. JWT headers and claims stay: they are what support needs.
 *
 * @see [RFC 6749 §10.3, §10.5 - Access tokens, authorization codes](https://www.rfc-editor.org/rfc/rfc6749.html#section-10.3)
 * @see [RFC 6750 §5.3 - Do not store bearer tokens in cleartext](https://www.rfc-editor.org/rfc/rfc6750.html#section-5.3)
 * @see [RFC 9700 §4.3 - Credential leakage](https://www.rfc-editor.org/rfc/rfc9700.html#section-4.3)
 */
export {
  REPORT_FILENAME,
  REPORT_TOOL,
  type ReportStepStatus,
  type ReportExchange,
  type ReportStep,
  type ReportToken,
  type Report,
  type BuildReportOptions,
} from './types'
export { REDACTED, classifyKey, redactToken, redactText } from './redact-text'
export { redactExchange, redactFinding, knownSecrets } from './redact'
export { findingScope, computeVerdict, type Verdict } from './verdict'
export { buildReport } from './build'
export { MARKDOWN_BODY_LIMIT, reportToMarkdown } from './markdown'
