// The fans' page's words for verifying a phone (web/fan/entry/VerifyPhone.tsx), in both languages: kept
// apart from i18n.ts, which spreads them into its dictionary.
export const identityText = {
  ko: {
    verifyTitle: '휴대폰 본인 인증',
    verifyNote: '일부 공연은 휴대폰 인증을 마친 계정만 입장할 수 있습니다. 휴대폰 번호 하나에 계정 하나입니다.',
    phone: '휴대폰 번호 (국가번호 포함, 예: +821012345678)',
    sendCode: '인증번호 받기',
    code: '인증번호 6자리',
    confirmCode: '인증하기',
    codeSent: '인증번호를 보냈습니다. {time}까지 입력해 주세요.',
    phoneVerified: '휴대폰 인증이 완료되었습니다.',
    'err.VERIFICATION_FAILED': '인증번호가 맞지 않습니다. ({detail})',
    'err.VERIFICATION_EXPIRED': '인증번호가 만료되었습니다. 새 인증번호를 받아 주세요.',
    'err.VERIFICATION_NOT_FOUND': '이 인증은 더 이상 사용할 수 없습니다. 새 인증번호를 받아 주세요.',
    'err.VERIFICATION_REQUIRED': '이 공연은 휴대폰 인증을 마친 계정만 입장할 수 있습니다. 먼저 인증해 주세요.',
    'err.IDENTITY_IN_USE': '이 휴대폰 번호는 이미 다른 계정에 인증되어 있습니다.',
  },
  en: {
    verifyTitle: 'Verify your phone',
    verifyNote: 'Some sales admit verified accounts only: one phone, one account.',
    phone: 'Phone number with country code (e.g. +821012345678)',
    sendCode: 'Send code',
    code: '6-digit code',
    confirmCode: 'Verify',
    codeSent: 'A code is on its way. Enter it before {time}.',
    phoneVerified: 'Your phone is verified.',
    'err.VERIFICATION_FAILED': 'That code is not right. ({detail})',
    'err.VERIFICATION_EXPIRED': 'The code has expired. Please ask for a new one.',
    'err.VERIFICATION_NOT_FOUND': 'This code can no longer be used. Please ask for a new one.',
    'err.VERIFICATION_REQUIRED': 'This sale admits verified accounts only. Please verify your phone first.',
    'err.IDENTITY_IN_USE': 'This phone already verifies another account.',
  },
}
