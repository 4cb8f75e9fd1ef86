export type * from "./chat.js";
export type * from "./embedding.js";
export type * from "./extra-fields.js";
export type * from "./request-type.js";
export type * from "./error.js";
