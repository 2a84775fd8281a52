import graphene

from .mutations.customer_data_export import CustomerDataExport


class PrivacyMutations(graphene.ObjectType):
    customer_data_export = CustomerDataExport.Field()
