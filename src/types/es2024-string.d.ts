// ES2024 well-formed string checks: in Node 20 (V8 11.3+) but not in TypeScript's lib ES2023.
interface String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}
