import type { ProfileError } from "../graphql/types";

/** Mirrors the backend's limits so people hear about them before saving. */
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 100;
export const MAX_NOTE_LENGTH = 20_000;

/** Adds typed tags ("vip, wholesale") to a list: trimmed, no blanks, no repeats. */
export function addTags(current: string[], typed: string): string[] {
  const next = [...current];
  for (const raw of typed.split(",")) {
    const tag = raw.trim();
    if (tag && !next.includes(tag)) next.push(tag);
  }
  return next;
}

export function validateTagsAndNote(tags: string[], note: string): FieldErrors {
  const errors: FieldErrors = {};
  const long = tags.find((tag) => tag.length > MAX_TAG_LENGTH);
  if (long) errors.tags = `Tags are at most ${MAX_TAG_LENGTH} characters.`;
  else if (tags.length > MAX_TAGS) errors.tags = `A profile has at most ${MAX_TAGS} tags.`;
  if (note.length > MAX_NOTE_LENGTH) errors.note = `The note is at most ${MAX_NOTE_LENGTH} characters.`;
  return errors;
}

export interface FieldErrors {
  tags?: string;
  note?: string;
  /** Errors about the whole input or another field. */
  form?: string;
}

/** Mutation `errors` by the field the form shows them on. */
export function fieldErrors(errors: ReadonlyArray<ProfileError>): FieldErrors {
  const result: FieldErrors = {};
  for (const error of errors) {
    const message = error.message || defaultMessage(error.code);
    const key = error.field === "tags" || error.field === "note" ? error.field : "form";
    result[key] = result[key] ? `${result[key]} ${message}` : message;
  }
  return result;
}

function defaultMessage(code: ProfileError["code"]): string {
  switch (code) {
    case "NOT_FOUND":
      return "This profile no longer exists.";
    case "REQUIRED":
      return "This field is required.";
    default:
      return "This value is not valid.";
  }
}
