// The fans' page's words for the human check at the entry (Cloudflare's Turnstile;
// web/fan/entry/HumanCheck.tsx), in both languages: kept apart from i18n.ts, which spreads them
// into its dictionary.
export const turnstileText = {
  ko: {
    'turnstile.title': '사람인지 확인',
    'turnstile.pending': '확인 중… (Cloudflare Turnstile)',
    'turnstile.ready': '확인 완료: 입장할 수 있습니다.',
    'turnstile.retrying': '확인하지 못해 다시 시도하는 중입니다.',
    'turnstile.unavailable': '확인 도구를 불러오지 못했습니다. 페이지를 새로 고쳐 주세요.',
    'turnstile.finish': '위의 사람 확인이 끝나면 바로 입장합니다.',
    'err.TURNSTILE_REQUIRED': '입장하려면 사람 확인이 필요합니다. 확인이 끝난 뒤 다시 시도해 주세요.',
    'err.TURNSTILE_FAILED':
      '사람 확인이 받아들여지지 않았습니다(만료 또는 이미 사용됨). 새로 확인하는 중이니 잠시 후 다시 시도해 주세요.',
    'err.TURNSTILE_UNAVAILABLE': '사람 확인 도구를 불러오지 못했습니다. 페이지를 새로 고쳐 주세요.',
  },
  en: {
    'turnstile.title': "A check that you're a person",
    'turnstile.pending': 'Checking… (Cloudflare Turnstile)',
    'turnstile.ready': 'Checked: you can enter.',
    'turnstile.retrying': 'The check did not go through; trying again.',
    'turnstile.unavailable': 'The check could not be loaded. Please reload the page.',
    'turnstile.finish': 'You will enter as soon as the check above is done.',
    'err.TURNSTILE_REQUIRED': 'Entering needs the check that you are a person. Please try again once it is done.',
    'err.TURNSTILE_FAILED':
      'The check was not accepted (expired or already used). A new one is under way; please try again in a moment.',
    'err.TURNSTILE_UNAVAILABLE': 'The check that you are a person could not be loaded. Please reload the page.',
  },
}
