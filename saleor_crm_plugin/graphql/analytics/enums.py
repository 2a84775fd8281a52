import graphene


class CrmStatsPeriod(graphene.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    class Meta:
        description = "Length of a statistics period."
