import { Box, Input, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { CloseIcon } from "../../core/ui/icons";
import { MAX_TAG_LENGTH, parseTags } from "../forms";

/** The ticket's tags: add with Enter or a comma, remove with ×; each change saves. */
export function TicketTags({
  tags,
  disabled,
  onSave,
}: {
  tags: string[];
  disabled?: boolean;
  /** Saves the new list; resolves to an error message when it failed. */
  onSave: (tags: string[]) => Promise<string | undefined>;
}) {
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const save = async (next: string[]) => {
    const long = next.find((tag) => tag.length > MAX_TAG_LENGTH);
    if (long) {
      setError(`Tags are at most ${MAX_TAG_LENGTH} characters.`);
      return;
    }
    setSaving(true);
    const failure = await onSave(next);
    setSaving(false);
    setError(failure);
    if (!failure) setTyped("");
  };

  const add = (text: string) => {
    const added = parseTags(text).filter((tag) => !tags.includes(tag));
    if (added.length) void save([...tags, ...added]);
    else setTyped("");
  };

  return (
    <Box display="flex" flexWrap="wrap" alignItems="center" gap={2}>
      {tags.map((tag) => (
        <Box
          key={tag}
          display="inline-flex"
          alignItems="center"
          gap={1}
          paddingLeft={2}
          paddingRight={1}
          paddingY={0.5}
          borderRadius={3}
          backgroundColor="default1Hovered"
        >
          <Text size={2}>{tag}</Text>
          <Box
            as="button"
            type="button"
            aria-label={`Remove tag ${tag}`}
            disabled={disabled || saving}
            onClick={() => void save(tags.filter((other) => other !== tag))}
            display="flex"
            alignItems="center"
            backgroundColor="default1Hovered"
            borderWidth={0}
            borderRadius={2}
            padding={0.5}
            cursor="pointer"
            color="default2"
          >
            <CloseIcon size={12} />
          </Box>
        </Box>
      ))}
      <Box __width="180px">
        <Input
          size="small"
          label={tags.length ? "Add a tag" : "Add tags"}
          placeholder="refund, damaged"
          aria-label="Add ticket tags"
          value={typed}
          disabled={disabled || saving}
          error={Boolean(error)}
          onChange={(event) => {
            const value = event.target.value;
            if (value.endsWith(",")) add(value);
            else setTyped(value);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              add(typed);
            }
          }}
          onBlur={() => typed.trim() && add(typed)}
        />
      </Box>
      {error && (
        <Text size={2} color="critical1" role="alert">
          {error}
        </Text>
      )}
    </Box>
  );
}
