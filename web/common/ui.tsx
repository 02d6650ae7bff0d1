// What both pages show alike: the header with its language switch, and the message line.
import type { Child } from 'hono/jsx'
import type { Lang } from './i18n'

export interface Message {
  kind: 'error' | 'info'
  text: string
}

export function Header(props: { title: string; subtitle: string; lang: Lang; onLang: () => void; children?: Child }) {
  return (
    <header>
      <div>
        <h1>{props.title}</h1>
        <p>{props.subtitle}</p>
      </div>
      <div class="header-actions">
        <button type="button" id="lang" class="link" onClick={props.onLang}>
          {props.lang === 'ko' ? 'English' : '한국어'}
        </button>
        {props.children}
      </div>
    </header>
  )
}

export function MessageLine({ message }: { message: Message | null }) {
  return (
    <div id="message" role="alert" class={`message ${message?.kind ?? ''}`} hidden={!message}>
      {message?.text ?? ''}
    </div>
  )
}
