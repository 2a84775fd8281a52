import { Box, Text } from "@saleor/macaw-ui";

export interface TabItem<T extends string> {
  value: T;
  label: string;
}

/** Underlined tabs, as on Dashboard detail pages. */
export function Tabs<T extends string>({
  items,
  value,
  onChange,
}: {
  items: TabItem<T>[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <Box as="nav" display="flex" gap={5} role="tablist">
      {items.map((item) => {
        const active = item.value === value;
        return (
          <Box
            as="button"
            type="button"
            key={item.value}
            role="tab"
            aria-selected={active}
            onClick={() => onChange(item.value)}
            __backgroundColor="transparent"
            borderWidth={0}
            borderBottomWidth={1}
            borderBottomStyle="solid"
            borderColor={active ? "accent1" : "transparent"}
            paddingX={0}
            paddingY={2}
            cursor="pointer"
            __borderBottomWidth="2px"
          >
            <Text size={4} fontWeight={active ? "bold" : "regular"} color={active ? "default1" : "default2"}>
              {item.label}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}
