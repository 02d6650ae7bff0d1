export { ConcertObject } from './object'
