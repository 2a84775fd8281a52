import { Box, Button, Input, Text, Textarea } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";

import { describeError } from "../../core/graphql-client";
import { CloseIcon } from "../../core/ui/icons";
import { useCrm, useCrmMutation } from "../../core/use-crm";
import { CustomerProfileUpdate } from "../graphql/documents";
import { addTags, fieldErrors, validateTagsAndNote, type FieldErrors } from "./tags";

export interface SavedProfile {
  id: string;
  tags: string[];
  note: string;
}

/** Staff's tags and note on a profile, saved with `customerProfileUpdate`. */
export function TagsNoteEditor({
  profileId,
  tags: savedTags,
  note: savedNote,
  disabled,
  onSaved,
}: {
  profileId: string;
  tags: string[];
  note: string;
  disabled?: boolean;
  onSaved?: (profile: SavedProfile) => void;
}) {
  const { dashboard } = useCrm();
  const [tags, setTags] = useState(savedTags);
  const [note, setNote] = useState(savedNote);
  const [typed, setTyped] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [update, { loading }] = useCrmMutation(CustomerProfileUpdate);

  useEffect(() => {
    setTags(savedTags);
    setNote(savedNote);
  }, [savedTags, savedNote]);

  const pendingTags = typed.trim() ? addTags(tags, typed) : tags;
  const dirty =
    note !== savedNote ||
    pendingTags.length !== savedTags.length ||
    pendingTags.some((tag, index) => tag !== savedTags[index]);

  const commitTyped = () => {
    if (!typed.trim()) return;
    setTags(addTags(tags, typed));
    setTyped("");
  };

  const save = async () => {
    const nextTags = pendingTags;
    setTags(nextTags);
    setTyped("");
    const local = validateTagsAndNote(nextTags, note);
    if (local.tags || local.note) {
      setErrors(local);
      return;
    }
    setErrors({});
    try {
      const data = await update({ id: profileId, input: { tags: nextTags, note } });
      const result = data?.customerProfileUpdate;
      if (!result) {
        setErrors({ form: "The profile could not be saved. Try again." });
        return;
      }
      if (result.errors.length) {
        setErrors(fieldErrors(result.errors));
        return;
      }
      if (result.profile) {
        onSaved?.(result.profile);
        void dashboard.notify("success", "Customer profile saved");
      }
    } catch (error) {
      setErrors({ form: describeError(error).detail });
    }
  };

  return (
    <Box
      as="form"
      display="flex"
      flexDirection="column"
      gap={3}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Box display="flex" flexDirection="column" gap={2}>
        {tags.length > 0 && (
          <Box display="flex" gap={1} flexWrap="wrap" aria-label="Tags">
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
                  disabled={disabled}
                  onClick={() => setTags(tags.filter((other) => other !== tag))}
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
          </Box>
        )}
        <Input
          size="small"
          label="Add tags"
          placeholder="vip, wholesale"
          value={typed}
          disabled={disabled}
          error={Boolean(errors.tags)}
          helperText={errors.tags ?? "Press Enter or comma to add"}
          onChange={(event) => {
            const value = event.target.value;
            if (value.endsWith(",")) {
              setTags(addTags(tags, value));
              setTyped("");
            } else {
              setTyped(value);
            }
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              commitTyped();
            }
          }}
        />
      </Box>
      <Textarea
        label="Note"
        rows={4}
        value={note}
        disabled={disabled}
        error={Boolean(errors.note)}
        helperText={errors.note}
        onChange={(event) => setNote(event.target.value)}
      />
      {errors.form && (
        <Text size={2} color="critical1" role="alert">
          {errors.form}
        </Text>
      )}
      <Box display="flex" gap={2} justifyContent="flex-end">
        <Button
          type="button"
          variant="tertiary"
          size="small"
          disabled={!dirty || loading || disabled}
          onClick={() => {
            setTags(savedTags);
            setNote(savedNote);
            setTyped("");
            setErrors({});
          }}
        >
          Discard
        </Button>
        <Button type="submit" variant="primary" size="small" disabled={!dirty || loading || disabled}>
          {loading ? "Saving…" : "Save"}
        </Button>
      </Box>
    </Box>
  );
}
