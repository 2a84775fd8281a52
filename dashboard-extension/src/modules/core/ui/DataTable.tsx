import { Box, Skeleton, Text, type BoxProps } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { ArrowDownIcon, ArrowUpIcon } from "./icons";

export interface DataColumn<Field extends string> {
  key: string;
  label: string;
  sortField?: Field;
  /** What the sort button's title names ("Sort by …"); defaults to the label. */
  sortName?: string;
  align?: "left" | "right";
  width?: string;
}

export interface DataSort<Field extends string> {
  field: Field;
  direction: "ASC" | "DESC";
}

export const cellPadding: BoxProps = { paddingX: 3, paddingY: 2.5 };

/** A Dashboard-style list table: sortable headers, skeleton rows while the
 * first page loads, dimmed rows while the next one does, rows that open on
 * click or Enter (without `onOpen`, rows that open nothing). Callers render
 * the cells of a row with <Cell>. */
export function DataTable<Row, Field extends string>({
  columns,
  rows,
  loading,
  sort,
  onSort,
  onOpen,
  rowKey,
  renderCells,
  rowTestId,
  skeletonRows = 8,
}: {
  columns: DataColumn<Field>[];
  rows: Row[] | undefined;
  loading: boolean;
  sort: DataSort<Field>;
  onSort: (field: Field) => void;
  onOpen?: (row: Row) => void;
  rowKey: (row: Row) => string;
  renderCells: (row: Row) => ReactNode;
  rowTestId: string;
  skeletonRows?: number;
}) {
  return (
    <Box
      as="table"
      width="100%"
      __borderCollapse="collapse"
      aria-busy={loading}
      __opacity={loading && rows ? "0.6" : "1"}
      __transition="opacity 120ms"
    >
      <Box as="thead">
        <Box as="tr" borderBottomWidth={1} borderBottomStyle="solid" borderColor="default1">
          {columns.map((column) => (
            <HeaderCell key={column.key} column={column} sort={sort} onSort={onSort} />
          ))}
        </Box>
      </Box>
      <Box as="tbody">
        {!rows &&
          Array.from({ length: skeletonRows }, (_, index) => (
            <Box as="tr" key={index} borderBottomWidth={1} borderBottomStyle="solid" borderColor="default1">
              {columns.map((column) => (
                <Box as="td" key={column.key} {...cellPadding}>
                  <Skeleton />
                </Box>
              ))}
            </Box>
          ))}
        {rows?.map((row) => (
          <Box
            as="tr"
            key={rowKey(row)}
            tabIndex={onOpen ? 0 : undefined}
            cursor={onOpen ? "pointer" : undefined}
            backgroundColor={
              onOpen ? { default: "default1", hover: "default1Hovered", focusVisible: "default1Focused" } : "default1"
            }
            borderBottomWidth={1}
            borderBottomStyle="solid"
            borderColor="default1"
            onClick={onOpen && (() => onOpen(row))}
            onKeyDown={
              onOpen &&
              ((event) => {
                if (event.key === "Enter") onOpen(row);
              })
            }
            data-testid={rowTestId}
          >
            {renderCells(row)}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function HeaderCell<Field extends string>({
  column,
  sort,
  onSort,
}: {
  column: DataColumn<Field>;
  sort: DataSort<Field>;
  onSort: (field: Field) => void;
}) {
  const active = column.sortField && sort.field === column.sortField;
  const label = (
    <Text size={2} color={active ? "default1" : "default2"} fontWeight="medium" whiteSpace="nowrap">
      {column.label}
    </Text>
  );
  return (
    <Box
      as="th"
      {...cellPadding}
      textAlign={column.align ?? "left"}
      __width={column.width}
      aria-sort={active ? (sort.direction === "ASC" ? "ascending" : "descending") : undefined}
    >
      {column.sortField ? (
        <Box
          as="button"
          type="button"
          onClick={() => column.sortField && onSort(column.sortField)}
          display="inline-flex"
          alignItems="center"
          gap={1}
          __backgroundColor="transparent"
          borderWidth={0}
          padding={0}
          cursor="pointer"
          color="default2"
          title={`Sort by ${column.sortName ?? column.label.toLowerCase()}`}
        >
          {label}
          {active &&
            (sort.direction === "ASC" ? <ArrowUpIcon size={14} /> : <ArrowDownIcon size={14} />)}
        </Box>
      ) : (
        label
      )}
    </Box>
  );
}

export function Cell({ children, align }: { children: ReactNode; align?: "left" | "right" }) {
  return (
    <Box as="td" {...cellPadding} textAlign={align ?? "left"}>
      {children}
    </Box>
  );
}
