"""The demo store's help desk: three months of tickets and customer contacts.

Built after the store (:mod:`tests.host.store`) has been ingested, from the
same ``seed`` and ``now``: the demo shoppers' profiles and orders are read
back from the CRM, a season of support work is planned with its own random
stream, and the plan is played through the real help-desk and interaction
services in time order, with the clock frozen at each step. So ticket
numbers rise with time, SLA due times, first responses, solves, ratings and
breaches all carry the moment they happened, and the SLA sweeper runs at
every due time as the scheduler would.

Outbound mail is not sent (the tickets are history): staff replies on email
and web-form tickets are marked as emailed when written, and no survey goes
out. Tickets are created once: when the demo shoppers already have tickets
they are left alone. Interactions carry a ``source`` and ``external_id``, so
logging them again stores nothing new.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import F, Q
from freezegun import freeze_time

from saleor_crm_plugin.commerce.models import OrderFact, OrderLineFact
from saleor_crm_plugin.interactions.models import InteractionChannel, InteractionDirection
from saleor_crm_plugin.interactions.services import InteractionInput, log_interaction
from saleor_crm_plugin.profiles.models import CustomerProfile
from saleor_crm_plugin.snapshots import normalize_email
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import (
    SLAPolicy,
    Ticket,
    TicketAuthorKind,
    TicketMessage,
    TicketMessageKind,
    TicketPriority,
    TicketStatus,
)

from .store import DEMO_USERNAME_PREFIX, Customer, ensure_users, plan_customers

STAFF_USERNAME_PREFIX = f"{DEMO_USERNAME_PREFIX}staff-"
HELPDESK_DAYS = 90
TICKETS_PER_CUSTOMER = 0.25
INTERACTION_SHARE = 1 / 3
DUPLICATES = 2  # tickets a customer sent twice, merged by staff
SOLVED_CLOSE_AFTER = timedelta(days=4)
# The support team's hours (UTC) by weekday, Monday first: customers write
# at any time, staff answer when they are in.
WORKING_HOURS = ((7, 22), (7, 22), (7, 22), (7, 22), (7, 22), (9, 17), (10, 16))
# Of the tickets not about an order, those from the last few days.
RECENT_SHARE, RECENT_DAYS = 0.2, 4
# Today's inbox: (status, share of all tickets, opened within days).
INBOX = (
    (TicketStatus.NEW, 0.04, 0.5),
    (TicketStatus.OPEN, 0.03, 2),
    (TicketStatus.PENDING, 0.05, 3),
    (TicketStatus.ON_HOLD, 0.03, 7),
    (TicketStatus.SOLVED, 0.06, 4),
)
INBOX_ATTEMPTS = 400
_NAMESPACE = uuid.UUID("8f3c2a71-6b0e-4f4c-9d65-2f4e1b7a0c13")

# (first response, resolution) in minutes, by priority.
SLA_MINUTES = {
    TicketPriority.URGENT: (30, 4 * 60),
    TicketPriority.HIGH: (2 * 60, 24 * 60),
    TicketPriority.NORMAL: (8 * 60, 72 * 60),
    TicketPriority.LOW: (24 * 60, 7 * 24 * 60),
}

EMAIL = InteractionChannel.EMAIL
WEB = InteractionChannel.WEB_FORM
CHAT = InteractionChannel.CHAT
PHONE = InteractionChannel.PHONE
URGENT, HIGH, NORMAL, LOW = (
    TicketPriority.URGENT,
    TicketPriority.HIGH,
    TicketPriority.NORMAL,
    TicketPriority.LOW,
)
COFFEE = ("Single-origin coffee", "Espresso blends")
FRAGILE = ("Cups and mugs", "Brewing equipment", "Grinders")
# Where the roastery has a shop: only locals drop in.
SHOP_CITIES = ("Berlin", "Portland", "London", "Amsterdam")


@dataclass(frozen=True)
class StaffMember:
    key: str
    first_name: str
    last_name: str

    @property
    def username(self) -> str:
        return f"{STAFF_USERNAME_PREFIX}{self.key}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


STAFF = (
    StaffMember("maya", "Maya", "Okafor"),  # support lead: payments, refunds
    StaffMember("tomas", "Tomás", "Rivera"),  # customer care: deliveries
    StaffMember("lena", "Lena", "Vogel"),  # brewing and equipment
    StaffMember("sam", "Sam", "Patel"),  # wholesale
)


@dataclass(frozen=True)
class Topic:
    """One kind of request, with what each side says at each turn.

    Templates take ``first last city number product placed staff ref``.
    ``order`` is "required", "optional" (when the customer bought one of
    ``categories`` in time) or "none"; ``after`` is when, in hours after the
    order was placed (``from_fulfilment``: fulfilled), customers write.
    """

    key: str
    weight: int
    tags: tuple[str, ...]
    owner: str
    priorities: tuple[tuple[str, int], ...]
    channels: tuple[tuple[str, int], ...]
    subjects: tuple[str, ...]
    opening: tuple[str, ...]
    ask: tuple[str, ...]
    answer: tuple[str, ...]
    solve: tuple[str, ...]
    notes: tuple[str, ...] = ()
    hold: tuple[str, ...] = ()
    call: tuple[str, ...] = ()
    order: str = "none"
    categories: tuple[str, ...] = ()
    after: tuple[float, float] = (0, 0)
    from_fulfilment: bool = False
    # Products the request cannot be about (a brush does not break in the post).
    exclude: tuple[str, ...] = ()
    default_product: str = ""


TOPICS = (
    Topic(
        key="late_delivery",
        weight=14,
        tags=("delivery",),
        owner="tomas",
        priorities=((NORMAL, 60), (HIGH, 30), (LOW, 10)),
        channels=((EMAIL, 45), (WEB, 25), (CHAT, 20), (PHONE, 10)),
        order="required",
        after=(4 * 24, 9 * 24),
        subjects=(
            "Where is my order #{number}?",
            "Order #{number} still not here",
            "Delivery taking much longer than expected",
        ),
        opening=(
            "Hi,\n\nI ordered on {placed} (order #{number}) and it still hasn't arrived. "
            "The tracking page hasn't changed for three days. Could you check what's going "
            "on?\n\nThanks,\n{first}",
            "Hello, my order #{number} should have been here by now and I'm nearly out of "
            "beans. Can you tell me where it is?\n\n{first}",
        ),
        call=(
            "{first} called: order #{number} not delivered yet, tracking stuck at the "
            "sorting centre. Promised to chase the courier and email an update.",
        ),
        ask=(
            "Hi {first},\n\nSorry for the wait. Tracking shows the parcel reached the local "
            "depot but no delivery attempt since. Could you confirm the delivery address, and "
            "is there a safe place the driver can leave it?\n\n{staff}",
        ),
        answer=(
            "The address is right. The neighbours at number 4 can take it if I'm out.",
            "Address is correct. Behind the garden gate is fine if nobody answers.",
        ),
        hold=(
            "Hi {first},\n\nI've opened an investigation with the courier; they take up to "
            "five working days to locate a parcel. I'll be back in touch as soon as I hear "
            "from them.\n\n{staff}",
        ),
        solve=(
            "Hi {first},\n\nGood news: the courier found your parcel and it's out for "
            "delivery today. I've added a free bag of Morning Blend to your next order for the "
            "trouble.\n\n{staff}",
            "Hi {first},\n\nThe parcel was lost in transit, so I've sent a replacement by "
            "express; the tracking link will follow by email. Sorry again!\n\n{staff}",
        ),
        notes=(
            "Courier investigation opened, ref DPD-{ref}.",
            "Tracking stuck at the hub since the second scan. Known delays at that depot "
            "this week.",
        ),
    ),
    Topic(
        key="wrong_grind",
        weight=10,
        tags=("grind", "packing"),
        owner="lena",
        priorities=((NORMAL, 70), (LOW, 20), (HIGH, 10)),
        channels=((EMAIL, 50), (WEB, 30), (CHAT, 20)),
        order="required",
        categories=COFFEE,
        after=(24, 5 * 24),
        from_fulfilment=True,
        subjects=(
            "Wrong grind size on my {product}",
            "Wrong grind in order #{number}",
            "My {product} came ground the wrong way",
        ),
        opening=(
            "Hi,\n\nI ordered the {product} as whole beans but the bag I received is "
            "pre-ground (order #{number}). I grind fresh for my espresso machine, so this is a "
            "bit of a disappointment. Could you swap it?\n\n{first}",
            "Hello! The {product} in order #{number} is ground for filter, but I use a moka "
            "pot and it comes out watery. Is there anything you can do?\n\nBest,\n{first}",
        ),
        ask=(
            "Hi {first},\n\nSo sorry about that. Could you send a photo of the label on the "
            "bag? The batch code at the bottom helps us find what went wrong at packing."
            "\n\n{staff}",
        ),
        answer=(
            "Photo attached. The label says whole bean, but it definitely isn't.",
            "Here it is. The label says 'ground, filter'.",
        ),
        solve=(
            "Hi {first},\n\nThanks! It was a packing mix-up on our side. A fresh bag of "
            "{product}, ground the way you need it, is on its way. No need to send the other "
            "one back.\n\n{staff}",
        ),
        notes=(
            "Packing station 2 mislabelled a batch this week: check other orders packed the "
            "same day.",
            "Replacement sent at no charge; customer keeps the first bag.",
        ),
    ),
    Topic(
        key="damaged",
        weight=10,
        tags=("damaged",),
        owner="tomas",
        priorities=((HIGH, 50), (NORMAL, 40), (URGENT, 10)),
        channels=((EMAIL, 50), (WEB, 30), (PHONE, 10), (CHAT, 10)),
        order="required",
        categories=FRAGILE,
        exclude=("Brush",),
        after=(20, 4 * 24),
        from_fulfilment=True,
        subjects=(
            "{product} arrived broken",
            "Damaged package",
            "Parcel crushed in transit",
        ),
        opening=(
            "Hi,\n\nmy parcel (order #{number}) arrived with the box crushed and the "
            "{product} is broken. Pictures attached. What can we do?\n\n{first}",
            "Hello, the {product} from order #{number} came in pieces, the box was soaked "
            "too. Really disappointing as it was a present.\n\n{first} {last}",
        ),
        call=(
            "{first} called: the {product} from order #{number} arrived broken. Asked for "
            "photos by email.",
        ),
        ask=(
            "Hi {first},\n\nI'm really sorry, that's not how it should arrive. Could you send "
            "one more photo, of the outer box with the shipping label? The courier needs it "
            "for the claim.\n\n{staff}",
        ),
        answer=(
            "Sure, photo of the box attached.",
            "Here's the box. You can see the corner is completely squashed.",
        ),
        hold=(
            "Hi {first},\n\nThanks! I've filed a damage claim with the courier. They usually "
            "answer within a week, and I'll send the replacement as soon as it's approved."
            "\n\n{staff}",
        ),
        solve=(
            "Hi {first},\n\nA replacement {product} went out today, double-boxed this time. No "
            "need to return the broken one; please recycle it.\n\n{staff}",
        ),
        notes=(
            "Courier damage claim filed, ref CLM-{ref}.",
            "Third breakage this month on fragile items: asked the warehouse for more padding.",
        ),
    ),
    Topic(
        key="refund",
        weight=8,
        tags=("refund", "returns"),
        owner="maya",
        priorities=((NORMAL, 60), (HIGH, 30), (LOW, 10)),
        channels=((EMAIL, 55), (WEB, 35), (PHONE, 10)),
        order="required",
        after=(3 * 24, 14 * 24),
        from_fulfilment=True,
        exclude=("Gift Card",),
        subjects=(
            "Refund request for order #{number}",
            "I'd like to return the {product}",
            "Return and refund",
        ),
        opening=(
            "Hello,\n\nI'd like to return the {product} from order #{number}. It's unopened, "
            "it just isn't what I expected. How do I get a refund?\n\n{first}",
        ),
        call=("{first} called to return the {product} (order #{number}), unopened.",),
        ask=(
            "Hi {first},\n\nOf course: unopened items can be returned within 30 days. Would "
            "you like the refund to your card, or store credit? I'll send the return label "
            "once I know.\n\n{staff}",
        ),
        answer=(
            "A refund to my card, please.",
            "Store credit is fine, I'll order something else.",
        ),
        hold=(
            "Hi {first},\n\nThe return label is attached. As soon as the parcel reaches us "
            "I'll process the refund; until then this request is on hold.\n\n{staff}",
        ),
        solve=(
            "Hi {first},\n\nWe've received the {product} and issued the refund. It should "
            "show on your statement within 3-5 working days.\n\n{staff}",
        ),
        notes=(
            "Refund approved: unopened and within 30 days.",
            "Second return this year. Fine, but worth keeping an eye on.",
        ),
    ),
    Topic(
        key="address_change",
        weight=5,
        tags=("delivery", "address"),
        owner="tomas",
        priorities=((URGENT, 60), (HIGH, 40)),
        channels=((CHAT, 40), (EMAIL, 30), (PHONE, 30)),
        order="required",
        after=(0.2, 2),
        subjects=(
            "Please change the delivery address on #{number}",
            "Wrong address on my order!",
        ),
        opening=(
            "Hi, I just placed order #{number} and realised it's going to my old address. "
            "Can you change it before it ships? The new one is in my account now.\n\n{first}",
        ),
        call=(
            "{first} called: order #{number} has the old address. Needs changing before dispatch.",
        ),
        ask=(
            "Hi {first},\n\nI caught it before packing. Could you confirm the new address, "
            "including the flat number?\n\n{staff}",
        ),
        answer=(
            "Yes, it's the one in my account: flat 3, second floor.",
            "Confirmed, the address saved in my account is the right one.",
        ),
        solve=(
            "Hi {first},\n\nDone: order #{number} will go to the new address. You'll get the "
            "tracking link once it ships.\n\n{staff}",
        ),
        notes=("Warehouse told before picking; label reprinted with the new address.",),
    ),
    Topic(
        key="double_charge",
        weight=4,
        tags=("payment",),
        owner="maya",
        priorities=((URGENT, 50), (HIGH, 50)),
        channels=((EMAIL, 50), (WEB, 30), (PHONE, 20)),
        order="required",
        after=(1, 30),
        subjects=("Charged twice for order #{number}", "Double payment on my card"),
        opening=(
            "Hello, my bank shows two payments for order #{number}, but I only ordered once. "
            "Please refund the second one.\n\n{first}",
        ),
        call=("{first} called: sees two card payments for order #{number}.",),
        ask=(
            "Hi {first},\n\nSorry for the worry. We only captured one payment; the second is "
            "most likely an authorisation your bank will release. Do both show as 'pending', "
            "or 'completed'?\n\n{staff}",
        ),
        answer=("One says pending, the other completed.", "Both say completed, unfortunately."),
        solve=(
            "Hi {first},\n\nThe duplicate was an authorisation hold, and I've asked the "
            "payment provider to release it now. It will disappear from your statement within "
            "2 working days.\n\n{staff}",
        ),
        notes=("Payment provider shows one capture and one voided authorisation.",),
    ),
    Topic(
        key="subscription_pause",
        weight=9,
        tags=("subscription",),
        owner="tomas",
        priorities=((LOW, 60), (NORMAL, 40)),
        channels=((EMAIL, 45), (WEB, 30), (CHAT, 25)),
        subjects=(
            "Pause my Coffee of the Month box",
            "Can I skip next month's delivery?",
            "Going on holiday: pause subscription",
        ),
        opening=(
            "Hi! I'm travelling for a few weeks. Can I pause my Coffee of the Month box for "
            "the next delivery? I don't want to cancel, just skip one.\n\n{first}",
            "Hello, could you hold my subscription for a month? Too much coffee in the "
            "cupboard at the moment!\n\n{first}",
        ),
        ask=(
            "Hi {first},\n\nAbsolutely. Would you like to skip just the next box, or pause "
            "until a date of your choice?\n\n{staff}",
        ),
        answer=(
            "Just skip the next one, please. Back to normal after that.",
            "Pause until the start of next month, please.",
        ),
        solve=(
            "Hi {first},\n\nAll set: your next box is skipped and the one after ships as "
            "usual. You can also do this yourself under Account, Subscriptions.\n\n{staff}",
        ),
    ),
    Topic(
        key="descaling",
        weight=7,
        tags=("equipment", "how-to"),
        owner="lena",
        priorities=((LOW, 70), (NORMAL, 30)),
        channels=((EMAIL, 40), (WEB, 25), (CHAT, 25), (PHONE, 10)),
        subjects=(
            "How do I descale my brewer?",
            "Brewer getting slow: does it need descaling?",
            "Descaling the Glass Carafe Brewer",
        ),
        opening=(
            "Hello,\n\nmy Glass Carafe Brewer has got really slow and the coffee tastes flat. "
            "I think it needs descaling. What do you recommend, and how often? The water in "
            "{city} is very hard.\n\n{first}",
            "Hi, my brewer takes twice as long as it used to and there's white scale in the "
            "tank. What's safe to descale it with?\n\n{first}",
        ),
        call=("{first} phoned for descaling advice: brewer slow, hard water in {city}.",),
        ask=(
            "Hi {first},\n\nSounds like limescale. Do you use filtered water, or straight from "
            "the tap?\n\n{staff}",
        ),
        answer=("Straight from the tap.", "We have a filter jug but I don't always use it."),
        solve=(
            "Hi {first},\n\nWith hard water, descale every 4-6 weeks: dissolve one of our "
            "Cleaning Tablets in a full tank, run it through, then two rounds of clean water. "
            "Filtered water will help the taste too. Let me know if it's still slow after "
            "that!\n\n{staff}",
        ),
        notes=("Hard-water area: suggested the filter jug bundle.",),
    ),
    Topic(
        key="wholesale",
        weight=5,
        tags=("wholesale", "lead"),
        owner="sam",
        priorities=((NORMAL, 60), (LOW, 30), (HIGH, 10)),
        channels=((EMAIL, 50), (WEB, 30), (PHONE, 20)),
        subjects=(
            "Wholesale pricing for our café",
            "Espresso supplier for a café in {city}",
            "Wholesale enquiry",
        ),
        opening=(
            "Hi,\n\nI run a small café in {city} and we're looking for a new espresso "
            "roaster, about 15 kg a week. Do you offer wholesale prices, and could we get "
            "samples?\n\nBest regards,\n{first} {last}",
            "Hello, we're opening a coffee bar in {city} next season and would love to serve "
            "your espresso. Do you supply cafés, and what are your terms?\n\n{first} {last}",
        ),
        call=(
            "{first} called from a café in {city}: about 15 kg of espresso a week, wants "
            "samples and the price list.",
        ),
        ask=(
            "Hi {first},\n\nThanks for thinking of us! I'd love to send a sample box. What "
            "machine and grinder do you use, and do you prefer a classic or a fruitier "
            "espresso?\n\n{staff}",
        ),
        answer=(
            "A two-group La Marzocco and a Mythos grinder. Our customers like chocolatey, "
            "not too acidic.",
            "A Victoria Arduino. Something classic please, we sell lots of milk drinks.",
        ),
        hold=(
            "Hi {first},\n\nOur next wholesale roast is on Thursday. I've put your request on "
            "hold until then and will ship the sample box straight after.\n\n{staff}",
        ),
        solve=(
            "Hi {first},\n\nThe samples (House Espresso and Dark Roast Blend) are on their "
            "way with our wholesale price list. Happy to come by for a calibration session "
            "once you've tasted them.\n\n{staff}",
        ),
        notes=(
            "Good lead: 15 kg/week would make them a top-10 account.",
            "Sample box and wholesale price list (tier B) queued.",
        ),
    ),
    Topic(
        key="allergy",
        weight=5,
        tags=("allergy", "product-info"),
        owner="maya",
        priorities=((NORMAL, 50), (HIGH, 50)),
        channels=((EMAIL, 50), (WEB, 30), (CHAT, 20)),
        subjects=(
            "Allergy question",
            "Are your coffees nut-free?",
            "Nut allergy: is it safe to order?",
        ),
        opening=(
            "Hello,\n\nmy partner has a severe nut allergy. Are your coffees roasted or packed "
            "on equipment shared with nuts or flavoured products?\n\n{first}",
        ),
        ask=(
            "Hi {first},\n\nThanks for checking, good question. Which products are you "
            "interested in? The roastery is nut-free, but a few gift items are packed "
            "elsewhere.\n\n{staff}",
        ),
        answer=("Mainly the Colombia Huila and the Tasting Flight Box.",),
        solve=(
            "Hi {first},\n\nOur roastery handles no nuts or flavourings at all: we only roast "
            "plain coffee, and the Tasting Flight Box is packed in-house too. The one "
            "exception is the Tea Sampler, packed by our tea supplier, whose facility also "
            "handles almonds.\n\n{staff}",
        ),
    ),
    Topic(
        key="grinder_fault",
        weight=6,
        tags=("equipment", "warranty"),
        owner="lena",
        priorities=((HIGH, 50), (NORMAL, 50)),
        channels=((EMAIL, 50), (WEB, 30), (PHONE, 20)),
        order="optional",
        categories=("Grinders",),
        exclude=("Brush",),
        after=(7 * 24, 80 * 24),
        from_fulfilment=True,
        default_product="Electric Burr Grinder",
        subjects=(
            "{product} making a clicking noise",
            "{product} grinding unevenly",
            "Warranty question about my {product}",
        ),
        opening=(
            "Hi,\n\nmy {product} has started making a loud clicking noise and the grounds are "
            "very uneven. It's only a few months old. Is this covered by the warranty?"
            "\n\n{first}",
        ),
        call=("{first} called: {product} clicking and grinding unevenly, a few months old.",),
        ask=(
            "Hi {first},\n\nSorry to hear that. Could you send a short video of the noise, and "
            "check whether a bean or a small stone is stuck between the burrs? (Unplug it "
            "first!)\n\n{staff}",
        ),
        answer=(
            "Video attached. I couldn't see anything stuck.",
            "Found a tiny stone and removed it, but it still sounds odd.",
        ),
        hold=(
            "Hi {first},\n\nThat's the burr carrier. I've ordered the replacement part from the "
            "manufacturer, which takes about a week, and put this on hold until it arrives."
            "\n\n{staff}",
        ),
        solve=(
            "Hi {first},\n\nThis is covered by the two-year warranty. A replacement is on its "
            "way, with a return label for the faulty one.\n\n{staff}",
        ),
        notes=("Warranty claim with the manufacturer, RMA {ref}.",),
    ),
    Topic(
        key="brewing_advice",
        weight=7,
        tags=("how-to", "brewing"),
        owner="lena",
        priorities=((LOW, 80), (NORMAL, 20)),
        channels=((CHAT, 40), (EMAIL, 40), (WEB, 20)),
        subjects=(
            "My pour-over tastes sour",
            "Help with my pour-over recipe",
            "Thin, sour coffee from the dripper",
        ),
        opening=(
            "Hi! I've just started with pour-over and my coffee tastes sour and thin. I'm "
            "using the Ethiopia Yirgacheffe, 15 g to 250 ml. What am I doing wrong?\n\n{first}",
            "Hello, I bought a Pour-over Dripper and whatever beans I use, the cup is weak and "
            "a bit sour. Any tips?\n\n{first}",
        ),
        ask=(
            "Hi {first},\n\nThat usually means under-extraction. What grind setting and water "
            "temperature do you use, and how long does the brew take?\n\n{staff}",
        ),
        answer=(
            "Medium grind, kettle straight off the boil, about 2 minutes.",
            "Not sure about the temperature. It's done in under 2 minutes.",
        ),
        solve=(
            "Hi {first},\n\nGrind finer so the brew takes about 3 minutes, use water around "
            "94 °C, and bloom with 40 ml for 30 seconds first. Go up to 16 g if it's still "
            "thin. Enjoy!\n\n{staff}",
        ),
    ),
    Topic(
        key="gift_card",
        weight=4,
        tags=("gift-card", "checkout"),
        owner="maya",
        priorities=((HIGH, 40), (NORMAL, 60)),
        channels=((EMAIL, 40), (WEB, 30), (CHAT, 30)),
        subjects=("Gift card code not working", "My gift card says invalid"),
        opening=(
            "Hello, I got a Gift Card for my birthday but the code says 'invalid' at "
            "checkout. Could you check it?\n\n{first}",
        ),
        ask=(
            "Hi {first},\n\nSorry about that! Could you send the last four characters of the "
            "code, and was it a printed or an emailed card?\n\n{staff}",
        ),
        answer=("It ends in 7QX2 and it was an emailed card.", "Printed card, ends in K4M9."),
        solve=(
            "Hi {first},\n\nThe card hadn't been activated when it was bought, our mistake. "
            "It works now, with the full balance. Happy brewing!\n\n{staff}",
        ),
        notes=("Gift card activation failed at purchase; activated by hand.",),
    ),
)
TOPICS_BY_KEY = {t.key: t for t in TOPICS}

THANKS = (
    "Thanks, that's perfect!",
    "Great, thank you so much for the quick help.",
    "Brilliant, thanks {staff}!",
    "Perfect, thanks for sorting it out.",
    "Thank you! Much appreciated.",
)
NUDGES = (
    "Hi, any news on this?",
    "Just checking in: is there an update?",
    "Hello again, still waiting to hear back. Could you let me know where things are?",
)
GENERIC_NOTES = (
    "Long-standing customer: worth going the extra mile.",
    "Checked the order history, no earlier issues.",
    "Macro used for the first reply; tweaked the wording.",
)
GENERIC_CALL = ("{first} phoned: {about}. Will follow up.",)
STALLED = (
    "Hi {first},\n\nI haven't heard back, so I'm closing this for now. Just reply to this "
    "message if you still need help and it will reopen.\n\n{staff}",
)
DUPLICATE = (
    "Hi, I sent a message about this earlier but haven't heard back. Could someone please "
    "look at it? It's about {about}.\n\n{first}",
    "Hello again, writing a second time in case my first message got lost. It's about "
    "{about}.\n\n{first}",
)
RATING_WEIGHTS = ((2, 3, 10, 30, 55), (10, 15, 25, 25, 25))  # on time, breached
RATING_COMMENTS = {
    5: ("Super quick and friendly, thank you!", "Really happy with how this was handled."),
    4: ("Good help, took a little while.", "Sorted in the end, thanks."),
    3: ("Fine, but I had to wait a few days for an answer.", "OK. An update sooner would help."),
    2: ("Took far too long to get a reply.", "Solved, but only after I chased it."),
    1: ("Nobody answered for days.", "Still not happy with how this went."),
}

# Interactions: (channel, direction, source, author name, [(subject, body)]).
CONTACTS = (
    (
        InteractionChannel.CHAT,
        InteractionDirection.INBOUND,
        "chat-widget",
        "Chat widget",
        (
            (
                "Which beans for a moka pot?",
                "Asked which coffee suits a moka pot. Recommended the Dark Roast Blend, "
                "ground fine.",
            ),
            (
                "Shipping time to {city}",
                "Wanted to know how long shipping takes to {city}. Told them 2-4 working days.",
            ),
            (
                "Decaf options",
                "Asked about decaf; pointed them to the Decaf Swiss Water (chemical-free).",
            ),
            (
                "Stock check: Kenya Nyeri AA",
                "Asked when the Kenya Nyeri AA is back in stock: next roast on Thursday.",
            ),
        ),
    ),
    (
        InteractionChannel.PHONE,
        InteractionDirection.INBOUND,
        "phone-system",
        "Phone system",
        (
            (
                "Grinder recommendation",
                "Called to ask about hand or electric grinders for a beginner. Suggested the "
                "Hand Grinder.",
            ),
            (
                "Opening hours of the roastery bar",
                "Asked about weekend opening hours and the Saturday cupping.",
            ),
            (
                "Did my order ship?",
                "Called to check that their last order had shipped; it had, resent tracking.",
            ),
        ),
    ),
    (
        InteractionChannel.SOCIAL,
        InteractionDirection.INBOUND,
        "instagram",
        "Instagram",
        (
            (
                "DM: loved the Tasting Flight Box",
                "Sent a photo of their flight tasting. Thanked them and asked to repost.",
            ),
            ("DM: do you ship to {city}?", "Asked if we ship to {city}. Yes, 2-4 working days."),
            (
                "DM: seasonal espresso release",
                "Asked when the next Seasonal Espresso is out. Told them: early next month.",
            ),
            (
                "DM: latte art with the House Espresso",
                "Shared their latte art, made with the House Espresso. Sent a heart.",
            ),
        ),
    ),
    (
        InteractionChannel.IN_STORE,
        InteractionDirection.INBOUND,
        "store-pos",
        "Roastery bar till",
        (
            (
                "Visit to the roastery bar",
                "Came in for a flat white and took home a bag of Ethiopia Yirgacheffe.",
            ),
            ("Saturday cupping", "Joined the Saturday cupping session; loved the Kenya Nyeri AA."),
            (
                "Grinder demo in store",
                "Tried the Electric Burr Grinder and the Hand Grinder side by side.",
            ),
        ),
    ),
)
CONTACT_WEIGHTS = {
    InteractionChannel.CHAT: 4,
    InteractionChannel.PHONE: 3,
    InteractionChannel.SOCIAL: 3,
    InteractionChannel.IN_STORE: 8,
}
FOLLOW_UPS = (
    (
        "Follow-up call",
        "Called to check the replacement arrived and all is well. Happy customer.",
    ),
    ("Follow-up call", "Checked in after the issue was solved; no further problems."),
)
CHECK_INS = (
    ("Back in stock: Ethiopia Yirgacheffe", "Called a regular: their favourite is back in stock."),
    ("Thank-you call", "Called to thank them for two years of orders; offered a cupping visit."),
)


@dataclass(frozen=True)
class DemoOrder:
    order_id: str
    number: str
    placed_at: datetime
    fulfilled_at: datetime | None
    cancelled: bool
    lines: tuple[tuple[str, str], ...]  # (product name, category name)


@dataclass
class DemoCustomer:
    plan: Customer
    profile: CustomerProfile
    orders: list[DemoOrder]

    @property
    def first_name(self) -> str:
        return self.profile.first_name or self.plan.first_name

    @property
    def full_name(self) -> str:
        last = self.profile.last_name or self.plan.last_name
        return f"{self.first_name} {last}"


@dataclass
class Step:
    at: datetime
    action: str
    ticket: int | None = None
    args: dict = field(default_factory=dict)


@dataclass
class PlannedTicket:
    index: int
    customer: DemoCustomer
    topic: Topic
    opened_at: datetime
    channel: str
    priority: str
    order: DemoOrder | None
    handler: StaffMember
    values: dict
    steps: list[Step] = field(default_factory=list)
    first_response_at: datetime | None = None
    solved_at: datetime | None = None


@dataclass
class HelpdeskOutcome:
    tickets_created: int = 0
    tickets_existing: int = 0
    messages_created: int = 0
    interactions_created: int = 0
    interactions_planned: int = 0
    breaches_flagged: int = 0
    staff_created: int = 0


def _seconds(seconds: float) -> timedelta:
    return timedelta(seconds=int(seconds))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def ensure_sla_policies() -> dict[str, tuple[int, int]]:
    """The demo's SLA targets; a merchant's own policies are kept."""
    for priority, (first, resolution) in SLA_MINUTES.items():
        SLAPolicy.objects.get_or_create(
            priority=priority,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )
    return {
        p.priority: (p.first_response_minutes, p.resolution_minutes)
        for p in SLAPolicy.objects.all()
    }


def ensure_staff(now: datetime) -> tuple[dict[str, int], int]:
    """The support team's users, reused between runs like the shoppers'."""
    user_model = get_user_model()
    pks, created = {}, 0
    for member in STAFF:
        user, was_created = user_model.objects.get_or_create(
            username=member.username,
            defaults={
                "email": f"{member.key}@roastery.example",
                "first_name": member.first_name,
                "last_name": member.last_name,
                "is_staff": True,
                "date_joined": now - timedelta(days=400),
                "password": make_password(None),
            },
        )
        pks[member.key] = user.pk
        created += was_created
    return pks, created


def load_customers(customers: int, seed: int, now: datetime) -> list[DemoCustomer]:
    """The demo shoppers as the CRM holds them now: profile and orders."""
    plans = plan_customers(customers, seed, now)
    ensure_users(plans)
    emails = {normalize_email(e) for c in plans for e in (c.email, c.guest_email) if e}
    user_pks = [c.user_pk for c in plans if c.user_pk is not None]
    profiles = list(
        CustomerProfile.objects.filter(
            Q(email__in=emails) | Q(user_id__in=user_pks), erased_at__isnull=True
        )
    )
    by_user = {p.user_id: p for p in profiles if p.user_id is not None}
    by_email = {p.email: p for p in profiles}
    lines: dict[str, list[tuple[str, str]]] = {}
    for order_id, product, category in (
        OrderLineFact.objects.filter(order__profile__in=profiles)
        .order_by("order_id", "line_id")
        .values_list("order_id", "product_name", "category_name")
    ):
        lines.setdefault(order_id, []).append((product, category))
    orders: dict[object, list[DemoOrder]] = {}
    for order in OrderFact.objects.filter(profile__in=profiles).order_by("placed_at", "order_id"):
        orders.setdefault(order.profile_id, []).append(
            DemoOrder(
                order_id=order.order_id,
                number=order.number,
                placed_at=order.placed_at,
                fulfilled_at=order.fulfilled_at,
                cancelled=order.cancelled_at is not None or not order.is_sale,
                lines=tuple(lines.get(order.order_id, ())),
            )
        )
    found, seen = [], set()
    for plan in plans:
        profile = by_user.get(plan.user_pk) or next(
            (
                by_email[e]
                for e in (
                    normalize_email(plan.email_at(now)),
                    normalize_email(plan.email),
                    normalize_email(plan.guest_email or ""),
                )
                if e in by_email
            ),
            None,
        )
        if profile is None or profile.pk in seen:
            continue
        seen.add(profile.pk)
        found.append(DemoCustomer(plan, profile, orders.get(profile.pk, [])))
    return found


class Planner:
    """Plans the season's tickets and contacts; touches no data."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        sla: dict[str, tuple[int, int]],
        seed: int,
        staff_pks: dict[str, int],
    ) -> None:
        self.rng, self.now, self.sla, self.seed = rng, now, sla, seed
        self.staff_pks = staff_pks
        self.start = now - timedelta(days=HELPDESK_DAYS)
        self.tickets: list[PlannedTicket] = []

    # --- tickets ------------------------------------------------------------

    def plan_tickets(self, customers: list[DemoCustomer], count: int) -> list[PlannedTicket]:
        """About ``count`` tickets: first today's inbox, a few in each active
        status, then the season's history.
        """
        rng = self.rng
        if not customers:
            return self.tickets
        weights = [self._customer_weight(c) for c in customers]
        per_customer: dict[int, int] = {}

        def plan(wanted: str | None = None, recent: timedelta | None = None) -> bool:
            position = rng.choices(range(len(customers)), weights=weights)[0]
            if per_customer.get(position, 0) >= 2:
                return False
            planned = self._plan_ticket(customers[position], recent)
            if planned is None:
                return False
            if wanted and self.status_at(planned, self.now) != wanted:
                self.tickets.pop()
                return False
            per_customer[position] = per_customer.get(position, 0) + 1
            return True

        for status, share, recent_days in INBOX:
            for _ in range(max(1, round(count * share))):
                for _ in range(INBOX_ATTEMPTS):
                    if plan(status, timedelta(days=recent_days)):
                        break
        for _ in range(count * 20):
            if len(self.tickets) >= count - DUPLICATES:
                break
            plan()
        self._plan_duplicates()
        return self.tickets

    @staticmethod
    def status_at(planned: PlannedTicket, at: datetime) -> str:
        """The ticket's status at ``at`` once its steps before then are played."""
        status = None
        for step in sorted(planned.steps, key=lambda s: s.at):
            if step.at >= at:
                break
            if step.action == "open":
                status = TicketStatus.OPEN if planned.channel == PHONE else TicketStatus.NEW
            elif step.action in ("staff", "status"):
                status = step.args["status"]
            elif step.action == "customer" and status in (
                TicketStatus.PENDING,
                TicketStatus.SOLVED,
            ):
                status = TicketStatus.OPEN
            elif step.action == "merge":
                status = TicketStatus.CLOSED
        return status or ""

    def _customer_weight(self, customer: DemoCustomer) -> float:
        if any(o.placed_at > self.start - timedelta(days=10) for o in customer.orders):
            return 5
        return 1.5 if customer.orders else 1

    def _window(self, customer: DemoCustomer) -> tuple[datetime, datetime]:
        earliest = max(self.start, customer.profile.first_seen_at + timedelta(hours=1))
        return earliest, self.now - timedelta(minutes=10)

    def _plan_ticket(
        self, customer: DemoCustomer, recent: timedelta | None = None
    ) -> PlannedTicket | None:
        rng = self.rng
        earliest, latest = self._window(customer)
        if recent is not None:
            earliest = max(earliest, self.now - recent)
        if earliest >= latest:
            return None
        candidates = []  # (topic, order, opened_at, product)
        for topic in TOPICS:
            if topic.order == "none":
                continue
            for order in customer.orders:
                if order.cancelled and topic.key != "double_charge":
                    continue
                products = [
                    p
                    for p, c in order.lines
                    if (not topic.categories or c in topic.categories)
                    and not any(word in p for word in topic.exclude)
                ]
                base = order.fulfilled_at if topic.from_fulfilment else order.placed_at
                if not products or base is None:
                    continue
                opened = base + _seconds(rng.uniform(*topic.after) * 3600)
                if earliest <= opened <= latest:
                    candidates.append((topic, order, opened, rng.choice(products)))
        if candidates and rng.random() < 0.8:
            topic, order, opened_at, product = rng.choices(
                candidates, weights=[c[0].weight for c in candidates]
            )[0]
        else:
            general = [t for t in TOPICS if t.order != "required"]
            topic = rng.choices(general, weights=[t.weight for t in general])[0]
            order, product = None, topic.default_product
            # A growing shop, and this week's requests still in the inbox.
            span = (latest - earliest).total_seconds()
            if rng.random() < RECENT_SHARE:
                span = min(span, RECENT_DAYS * 86400)
            opened_at = latest - _seconds(span * rng.random() ** 1.6)
        opened_at = self._awake(opened_at, latest)
        handler = self._handler(topic)
        channel = _pick(rng, topic.channels)
        if channel == PHONE:
            # Calls come in while the team is in.
            opened_at = self.on_duty(opened_at)
            if opened_at > latest:
                return None
        values = {
            "first": customer.first_name,
            "last": customer.profile.last_name or customer.plan.last_name,
            "city": customer.profile.city or customer.plan.city,
            "number": order.number if order else "",
            "product": product,
            "placed": f"{order.placed_at.day} {order.placed_at:%B}" if order else "",
            "staff": handler.first_name,
            "ref": str(rng.randint(100000, 999999)),
        }
        values["about"] = f"order #{order.number}" if order else ""
        planned = PlannedTicket(
            index=len(self.tickets),
            customer=customer,
            topic=topic,
            opened_at=opened_at,
            channel=channel,
            priority=_pick(rng, topic.priorities),
            order=order,
            handler=handler,
            values=values,
        )
        values["subject"] = rng.choice(topic.subjects).format(**values)
        values["about"] = values["about"] or values["subject"][0].lower() + values["subject"][1:]
        self._plan_conversation(planned)
        self.tickets.append(planned)
        return planned

    def _awake(self, at: datetime, latest: datetime) -> datetime:
        """Most customers write in the day: night-time requests mostly move to
        the next morning.
        """
        if 7 <= at.hour < 23 or self.rng.random() < 0.2:
            return at
        morning = at.replace(hour=7, minute=0, second=0)
        if at.hour >= 23:
            morning += timedelta(days=1)
        moved = morning + _seconds(self.rng.uniform(0, 4) * 3600)
        return moved if moved <= latest else at

    def _handler(self, topic: Topic) -> StaffMember:
        owner = next(s for s in STAFF if s.key == topic.owner)
        if topic.owner == "sam" or self.rng.random() < 0.6:
            return owner
        return self.rng.choice([s for s in STAFF if s.key != "sam"])

    def _text(self, planned: PlannedTicket, options: tuple[str, ...]) -> str:
        return self.rng.choice(options).format(**planned.values)

    def _customer_delay(self, chat: bool) -> timedelta:
        rng = self.rng
        if chat:
            return _seconds(rng.uniform(1, 8) * 60)
        hours = rng.choices([(0.3, 6), (6, 30), (30, 96)], weights=(60, 30, 10), k=1)[0]
        return _seconds(rng.uniform(*hours) * 3600)

    def on_duty(self, at: datetime) -> datetime:
        """``at``, or a while after the team next starts work (all times UTC)."""
        hours = WORKING_HOURS[at.weekday()]
        if hours and hours[0] <= at.hour < hours[1]:
            return at
        day = at.replace(hour=0, minute=0, second=0)
        if hours and at.hour < hours[0]:
            return day + timedelta(hours=hours[0]) + _seconds(self.rng.uniform(0, 90) * 60)
        while True:
            day += timedelta(days=1)
            if hours := WORKING_HOURS[day.weekday()]:
                return day + timedelta(hours=hours[0]) + _seconds(self.rng.uniform(0, 90) * 60)

    def _staff_at(self, planned: PlannedTicket, after: datetime, first: bool) -> datetime:
        """When staff next act on a ticket that has waited since ``after``."""
        rng = self.rng
        if planned.channel == CHAT:
            minutes = rng.uniform(20, 90) if first and rng.random() < 0.1 else rng.uniform(1, 12)
            return self.on_duty(after + _seconds(minutes * 60))
        target = self.sla.get(planned.priority, SLA_MINUTES[planned.priority])[0] * 60
        if first:
            late = rng.random() < 0.12
            delay = target * (rng.uniform(1.15, 3) if late else rng.uniform(0.05, 0.7))
        else:
            delay = min(target, 6 * 3600) * rng.uniform(0.15, 1.2)
        return self.on_duty(after + _seconds(delay))

    def _plan_conversation(self, planned: PlannedTicket) -> None:
        if planned.channel == PHONE:
            self._plan_phone(planned)
            return
        rng, topic = self.rng, planned.topic
        steps = planned.steps
        at = planned.opened_at
        chat = planned.channel == CHAT
        customer_via = CHAT if chat else EMAIL
        link_later = planned.order is not None and rng.random() < 0.25
        steps.append(
            Step(
                at,
                "open",
                args={"body": self._text(planned, topic.opening), "link": not link_later},
            )
        )
        at = self._staff_at(planned, at, first=True)
        planned.first_response_at = at
        assign = planned.handler.key if rng.random() < 0.8 else None
        triage = self.on_duty(planned.opened_at + _seconds(rng.uniform(5, 60) * 60))
        if assign and triage < at - timedelta(minutes=5) and rng.random() < 0.3:
            # Triage: someone takes it well before answering.
            steps.append(Step(triage, "assign", args={"staff": assign}))
        elif assign:
            steps.append(Step(at - timedelta(minutes=1), "assign", args={"staff": assign}))
        if link_later:
            steps.append(Step(at - timedelta(seconds=30), "link"))

        def customer(options: tuple[str, ...]) -> None:
            nonlocal at
            at += self._customer_delay(chat)
            body = self._text(planned, options)
            steps.append(Step(at, "customer", args={"body": body, "via": customer_via}))

        def staff(options: tuple[str, ...], status: str, *, note: float = 0.0) -> None:
            nonlocal at
            at = self._staff_at(planned, at, first=False)
            self._maybe_note(planned, at - timedelta(minutes=3), chance=note)
            steps.append(self._staff(planned, at, options, status))

        def solved_after_thanks() -> None:
            nonlocal at
            at = self.on_duty(at + _seconds(rng.uniform(10, 360) * 60))
            steps.append(Step(at, "status", args={"status": TicketStatus.SOLVED}))

        shape = rng.choices(
            ("S2", "S3", "S4", "S5", "H4", "ST"),
            weights=(25, 15, 30, 10, 0 if chat or not topic.hold else 14, 0 if chat else 6),
        )[0]
        if shape == "S2":
            steps.append(self._staff(planned, at, topic.solve, TicketStatus.SOLVED))
        elif shape == "S3":
            steps.append(self._staff(planned, at, topic.solve, TicketStatus.PENDING))
            customer(THANKS)
            solved_after_thanks()
        elif shape in ("S4", "S5"):
            steps.append(self._staff(planned, at, topic.ask, TicketStatus.PENDING))
            customer(topic.answer)
            if shape == "S4":
                staff(topic.solve, TicketStatus.SOLVED, note=0.35)
            else:
                staff(topic.solve, TicketStatus.PENDING, note=0.35)
                customer(THANKS)
                solved_after_thanks()
        elif shape == "H4":
            steps.append(self._staff(planned, at, topic.hold, TicketStatus.ON_HOLD))
            self._maybe_note(planned, at + timedelta(minutes=2), chance=0.7)
            at += _seconds(rng.uniform(2, 5) * 86400)
            customer(NUDGES)
            at += _seconds(rng.uniform(1, 3) * 86400)
            staff(topic.solve, TicketStatus.SOLVED)
        else:  # the customer never answers; staff close it after a week
            steps.append(self._staff(planned, at, topic.ask, TicketStatus.PENDING))
            at = self.on_duty(at + _seconds(rng.uniform(6, 8) * 86400))
            steps.append(self._staff(planned, at, STALLED, TicketStatus.SOLVED))
        if shape in ("S2", "S3"):
            self._maybe_note(planned, planned.first_response_at - timedelta(minutes=3), 0.15)
        planned.solved_at = at
        self._plan_after_solve(planned, at, rate=shape != "ST")

    def _plan_phone(self, planned: PlannedTicket) -> None:
        rng, topic, steps = self.rng, planned.topic, planned.steps
        at = planned.opened_at
        steps.append(
            Step(
                at,
                "open",
                args={"body": self._text(planned, topic.call or GENERIC_CALL), "link": True},
            )
        )
        planned.first_response_at = at
        if rng.random() < 0.75:
            steps.append(
                Step(at + timedelta(minutes=1), "assign", args={"staff": planned.handler.key})
            )
        shape = rng.choices(("P1", "P2", "P3"), weights=(40, 35, 25))[0]
        if shape == "P1":  # sorted out on the call
            at += _seconds(rng.uniform(2, 20) * 60)
            steps.append(Step(at, "status", args={"status": TicketStatus.SOLVED}))
        elif shape == "P2":  # the customer emails what was asked for
            at += self._customer_delay(chat=False)
            steps.append(
                Step(at, "customer", args={"body": self._text(planned, topic.answer), "via": EMAIL})
            )
            at = self._staff_at(planned, at, first=False)
            steps.append(self._staff(planned, at, topic.solve, TicketStatus.SOLVED))
        else:  # called back with the answer
            self._maybe_note(planned, at + timedelta(minutes=3), chance=0.6)
            at = self._staff_at(planned, at + timedelta(minutes=5), first=False)
            steps.append(self._staff(planned, at, topic.solve, TicketStatus.SOLVED))
        planned.solved_at = at
        self._plan_after_solve(planned, at, rate=True)

    def _staff(self, planned: PlannedTicket, at: datetime, options, status: str) -> Step:
        return Step(at, "staff", args={"body": self._text(planned, options), "status": status})

    def _maybe_note(self, planned: PlannedTicket, at: datetime, chance: float = 0.35) -> None:
        if self.rng.random() >= chance:
            return
        author = planned.handler.key if self.rng.random() < 0.7 else "maya"
        body = self._text(planned, planned.topic.notes or GENERIC_NOTES)
        # Never before the ticket exists (a chat can be answered within a minute).
        at = max(at + timedelta(minutes=1), planned.opened_at + timedelta(seconds=30))
        planned.steps.append(Step(at, "note", args={"body": body, "staff": author}))

    def _plan_after_solve(self, planned: PlannedTicket, solved_at: datetime, *, rate: bool) -> None:
        rng = self.rng
        if rate and rng.random() < 0.5:
            first_due, resolution_due = self.sla.get(
                planned.priority, SLA_MINUTES[planned.priority]
            )
            late = solved_at > planned.opened_at + timedelta(minutes=resolution_due) or (
                planned.channel != PHONE
                and planned.first_response_at is not None
                and planned.first_response_at > planned.opened_at + timedelta(minutes=first_due)
            )
            rating = rng.choices((1, 2, 3, 4, 5), weights=RATING_WEIGHTS[late])[0]
            comment = rng.choice(RATING_COMMENTS[rating]) if rng.random() < 0.55 else ""
            planned.steps.append(
                Step(
                    solved_at + _seconds(rng.uniform(0.3, 40) * 3600),
                    "rate",
                    args={"rating": rating, "comment": comment.format(**planned.values)},
                )
            )
        planned.steps.append(
            Step(solved_at + SOLVED_CLOSE_AFTER, "status", args={"status": TicketStatus.CLOSED})
        )

    def _plan_duplicates(self) -> None:
        """A couple of customers write twice before anyone answers."""
        rng = self.rng
        options = [
            t
            for t in self.tickets
            if t.channel in (EMAIL, WEB)
            and t.first_response_at is not None
            and t.first_response_at - t.opened_at > timedelta(minutes=90)
        ]
        for original in rng.sample(options, min(DUPLICATES, len(options))):
            gap = (original.first_response_at - original.opened_at).total_seconds()
            opened_at = original.opened_at + _seconds(rng.uniform(0.2, 0.7) * min(gap, 12 * 3600))
            duplicate = PlannedTicket(
                index=len(self.tickets),
                customer=original.customer,
                topic=original.topic,
                opened_at=opened_at,
                channel=WEB if original.channel == EMAIL else EMAIL,
                priority=original.priority,
                order=None,
                handler=original.handler,
                values=original.values,
            )
            duplicate.steps.append(
                Step(
                    opened_at,
                    "open",
                    args={"body": self._text(duplicate, DUPLICATE), "link": False},
                )
            )
            duplicate.steps.append(
                Step(
                    original.first_response_at - timedelta(minutes=2),
                    "merge",
                    args={"into": original.index},
                )
            )
            self.tickets.append(duplicate)

    # --- contacts ------------------------------------------------------------

    def plan_interactions(
        self, customers: list[DemoCustomer]
    ) -> list[tuple[DemoCustomer, InteractionInput]]:
        rng, planned = self.rng, []
        staff = [s for s in STAFF if s.key != "sam"]
        number = 0

        def external_id() -> str:
            nonlocal number
            number += 1
            return str(uuid.uuid5(_NAMESPACE, f"{self.seed}:interaction:{number}"))

        chosen = rng.sample(customers, round(len(customers) * INTERACTION_SHARE))
        for customer in sorted(chosen, key=lambda c: c.plan.index):
            earliest, latest = self._window(customer)
            if earliest >= latest:
                continue
            local = (customer.profile.city or customer.plan.city) in SHOP_CITIES
            for _ in range(rng.choices((1, 2, 3), weights=(55, 30, 15))[0]):
                at = latest - _seconds((latest - earliest).total_seconds() * rng.random() ** 1.3)
                outbound = customer.orders and len(customer.orders) >= 5 and rng.random() < 0.15
                if outbound:
                    member = rng.choice(staff)
                    subject, body = rng.choice(CHECK_INS)
                    at = self.on_duty(at)
                    if at < self.now:
                        call = self._call(customer, at, subject, body, member, external_id())
                        planned.append((customer, call))
                    continue
                channels = [c for c in CONTACTS if local or c[0] != InteractionChannel.IN_STORE]
                channel, direction, source, author, texts = rng.choices(
                    channels, weights=[CONTACT_WEIGHTS[c[0]] for c in channels]
                )[0]
                subject, body = rng.choice(texts)
                if channel in (InteractionChannel.PHONE, InteractionChannel.IN_STORE):
                    at = self.on_duty(at)  # the phone line and the shop keep hours
                    if at >= self.now:
                        continue
                values = {"city": customer.profile.city or customer.plan.city}
                planned.append(
                    (
                        customer,
                        InteractionInput(
                            channel=channel,
                            direction=direction,
                            subject=subject.format(**values),
                            body=body.format(**values),
                            occurred_at=at,
                            author_name=author,
                            source=source,
                            external_id=external_id(),
                            metadata=self._metadata(channel, customer),
                        ),
                    )
                )
        # Staff call back after some of the harder tickets.
        for ticket in self.tickets:
            if (
                ticket.solved_at is None
                or ticket.topic.key
                not in ("damaged", "grinder_fault", "late_delivery", "wholesale")
                or rng.random() >= 0.35
            ):
                continue
            at = self.on_duty(ticket.solved_at + _seconds(rng.uniform(2, 6) * 86400))
            if at >= self.now:
                continue
            subject, body = rng.choice(FOLLOW_UPS)
            if ticket.topic.key == "wholesale":
                subject, body = "Wholesale follow-up", "Called to hear how the samples tasted."
            planned.append(
                (
                    ticket.customer,
                    self._call(
                        ticket.customer,
                        at,
                        f"{subject}: {ticket.values['subject']}",
                        body,
                        ticket.handler,
                        external_id(),
                        order_id=ticket.order.order_id if ticket.order else None,
                    ),
                )
            )
        return planned

    def _call(self, customer, at, subject, body, member, external_id, order_id=None):
        return InteractionInput(
            channel=InteractionChannel.PHONE,
            direction=InteractionDirection.OUTBOUND,
            subject=subject,
            body=body,
            occurred_at=at,
            author_user_id=self.staff_pks[member.key],
            author_name=member.name,
            order_id=order_id,
            source="phone-system",
            external_id=external_id,
            metadata={"duration_seconds": self.rng.randint(60, 600), "staff": member.key},
        )

    def _metadata(self, channel: str, customer: DemoCustomer) -> dict:
        rng = self.rng
        if channel == InteractionChannel.PHONE:
            return {"duration_seconds": rng.randint(45, 900)}
        if channel == InteractionChannel.SOCIAL:
            return {"platform": "instagram", "handle": "@" + customer.plan.email.split("@")[0]}
        if channel == InteractionChannel.IN_STORE:
            return {"store": f"Roastery bar {customer.profile.city or customer.plan.city}"}
        return {"transcript_messages": rng.randint(3, 14)}


@contextmanager
def _no_mail() -> Iterator[None]:
    """The tickets are history: no reply or survey is mailed for them."""
    with desk.notifications_off():
        yield


def _sweep_times(plans: list[PlannedTicket], sla: dict, now: datetime) -> list[datetime]:
    """When the SLA sweeper (every 5 minutes) first sees each due time pass."""
    times = set()
    for planned in plans:
        first, resolution = sla.get(planned.priority, SLA_MINUTES[planned.priority])
        for minutes in (first, resolution):
            due = planned.opened_at + timedelta(minutes=minutes)
            sweep = due + _seconds(300 - due.timestamp() % 300)
            if sweep < now:
                times.add(sweep)
    return sorted(times)


def play_tickets(
    plans: list[PlannedTicket], staff_pks: dict[str, int], sla: dict, now: datetime
) -> tuple[int, int]:
    """Run every planned step before ``now`` through the services, in time
    order, with the clock at the step's time. Returns (tickets, breaches).
    """
    steps = [(s.at, 0, n, p.index, s) for p in plans for n, s in enumerate(p.steps) if s.at < now]
    steps += [(at, 1, 0, -1, Step(at, "sweep")) for at in _sweep_times(plans, sla, now)]
    steps.sort(key=lambda s: s[:4])
    tickets: dict[int, Ticket] = {}
    breaches = 0

    def author(key: str) -> desk.Author:
        member = next(s for s in STAFF if s.key == key)
        return desk.Author(kind=TicketAuthorKind.STAFF, user_id=staff_pks[key], name=member.name)

    with _no_mail(), freeze_time(plans[0].opened_at if plans else now) as clock:
        for at, _, _, index, step in steps:
            clock.move_to(at)
            if step.action == "sweep":
                breaches += desk.mark_sla_breaches(at)
                continue
            planned = plans[index]
            customer = planned.customer
            if step.action == "open":
                staff_opened = planned.channel == PHONE
                tickets[index] = desk.open_ticket(
                    desk.NewTicket(
                        subject=planned.values["subject"],
                        body=step.args["body"],
                        email=customer.profile.email,
                        user_id=str(customer.profile.user_id) if customer.profile.user_id else None,
                        channel=planned.channel,
                        priority=planned.priority,
                        order_id=planned.order.order_id
                        if planned.order and step.args["link"]
                        else None,
                        tags=list(planned.topic.tags),
                    ),
                    author(planned.handler.key)
                    if staff_opened
                    else desk.Author(kind=TicketAuthorKind.CUSTOMER, name=customer.full_name),
                )
                continue
            ticket = tickets[index]
            if step.action == "assign":
                desk.assign(ticket, staff_pks[step.args["staff"]])
            elif step.action == "link":
                desk.link_order(ticket, planned.order.order_id)
            elif step.action == "customer":
                desk.customer_reply(
                    ticket, step.args["body"], via=step.args["via"], author_name=customer.full_name
                )
            elif step.action == "staff":
                desk.staff_reply(
                    ticket,
                    step.args["body"],
                    author(planned.handler.key),
                    status=step.args["status"],
                    body_is_html=False,
                )
            elif step.action == "note":
                desk.add_note(
                    ticket, step.args["body"], author(step.args["staff"]), body_is_html=False
                )
            elif step.action == "status":
                desk.update_ticket(ticket, {"status": step.args["status"]})
            elif step.action == "rate":
                desk.rate(desk.survey_token(ticket), step.args["rating"], step.args["comment"])
            elif step.action == "merge":
                desk.merge(ticket, tickets[step.args["into"]], author(planned.handler.key))
        clock.move_to(now)
        breaches += desk.mark_sla_breaches(now)
    # Replies on email and web-form tickets were mailed as they were written.
    TicketMessage.objects.filter(
        ticket__in=[t.pk for t in tickets.values()],
        kind=TicketMessageKind.REPLY,
        author_kind=TicketAuthorKind.STAFF,
        ticket__channel__in=desk.EMAILED_CHANNELS,
        emailed_at__isnull=True,
    ).update(emailed_at=F("created_at"))
    return len(tickets), breaches


def build_helpdesk(customers: int, seed: int, now: datetime) -> HelpdeskOutcome:
    """Fill the help desk for the demo store of ``customers`` shoppers."""
    outcome = HelpdeskOutcome()
    sla = ensure_sla_policies()
    staff_pks, outcome.staff_created = ensure_staff(now)
    demo_customers = load_customers(customers, seed, now)
    rng = random.Random(f"{seed}:helpdesk")
    planner = Planner(rng, now, sla, seed, staff_pks)
    plans = planner.plan_tickets(demo_customers, round(len(demo_customers) * TICKETS_PER_CUSTOMER))
    contacts = planner.plan_interactions(demo_customers)

    existing = Ticket.objects.filter(profile__in=[c.profile for c in demo_customers]).count()
    if existing:
        outcome.tickets_existing = existing
        # Time moves on: flag what is overdue by now (once, as the sweeper does).
        outcome.breaches_flagged = desk.mark_sla_breaches(now)
    else:
        messages_before = TicketMessage.objects.count()
        outcome.tickets_created, outcome.breaches_flagged = play_tickets(plans, staff_pks, sla, now)
        outcome.messages_created = TicketMessage.objects.count() - messages_before

    outcome.interactions_planned = len(contacts)
    with freeze_time(now) as clock:
        for customer, data in sorted(contacts, key=lambda c: (c[1].occurred_at, c[1].external_id)):
            clock.move_to(data.occurred_at)  # logged as it happened
            _, created = log_interaction(data, profile=customer.profile)
            outcome.interactions_created += created
    return outcome
