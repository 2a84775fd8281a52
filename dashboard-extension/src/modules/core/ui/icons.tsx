// lucide-react is macaw-ui's icon set, so icons match the Dashboard's.
export {
  ArrowDown as ArrowDownIcon,
  ArrowLeft as ArrowLeftIcon,
  ArrowUp as ArrowUpIcon,
  ChevronLeft as ChevronLeftIcon,
  ChevronRight as ChevronRightIcon,
  CircleCheck as CircleCheckIcon,
  Clock as ClockIcon,
  ExternalLink as ExternalLinkIcon,
  RefreshCw as RefreshIcon,
  Search as SearchIcon,
  TriangleAlert as WarningIcon,
  X as CloseIcon,
} from "lucide-react";
