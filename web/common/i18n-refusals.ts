// The console's words for refused queue entries and the entry's defences (web/console/), in both
// languages: kept apart from i18n.ts, which spreads them into its dictionary.
export const refusalsText = {
  ko: {
    'admin.refused.unverified': '거절: 미인증',
    'admin.refused.proof': '거절: 작업 증명',
    'admin.refused.turnstile': '거절: Turnstile',
    'admin.refused.rate': '거절: 요청 과다',
    'admin.refusedChart': '지난 1시간: 분당 거절된 입장',
    'admin.requireVerifiedIdentity': '휴대폰 인증한 계정만 입장',
    'admin.entryProofCost': '입장 작업 증명 난이도 (비우면 없음, 예: 200000)',
  },
  en: {
    'admin.refused.unverified': 'Refused: unverified',
    'admin.refused.proof': 'Refused: proof of work',
    'admin.refused.turnstile': 'Refused: Turnstile',
    'admin.refused.rate': 'Refused: rate limit',
    'admin.refusedChart': 'Last hour: refused entries per minute',
    'admin.requireVerifiedIdentity': 'Verified phones only',
    'admin.entryProofCost': 'Proof of work at the entry (empty: none, e.g. 200000)',
  },
}
