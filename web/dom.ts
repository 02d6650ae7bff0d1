// What both pages (the fans' and the console) need of the DOM.
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
