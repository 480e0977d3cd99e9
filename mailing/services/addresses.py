"""Addresses as we store and compare them: the reader's mailbox, and the network they post from."""

import ipaddress
import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext

from mailing.exceptions import InvalidAddress

MAX_ADDRESS_LENGTH = 254  # RFC 5321 path limit, and Subscriber.email's max_length
MAX_LOCAL_PART_LENGTH = 64

_address_validator = EmailValidator(allowlist=[])  # no "localhost"


def normalise_address(value: str) -> str:
    """The address in the one form we store and compare, or InvalidAddress.

    Lower-cased whole (so case variants cannot multiply the per-address limits), domain in
    IDNA ASCII form (strict IDNA 2008: zero-width and full-width look-alikes are refused, so
    one mailbox has one spelling). Quoted local parts and IP literals are refused.
    """
    value = (value or "").strip()
    if not value:
        raise InvalidAddress(gettext("Enter your email address."))
    if len(value) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(gettext("This email address is too long."))
    if any(character.isspace() for character in value):
        raise InvalidAddress(gettext("An email address cannot contain spaces."))
    if any(unicodedata.category(character).startswith("C") for character in value):
        raise InvalidAddress(gettext("This email address contains invisible characters."))
    invalid = InvalidAddress(gettext("Enter a valid email address, such as nom@exemple.fr."))
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or len(local) > MAX_LOCAL_PART_LENGTH:
        raise invalid
    if local.startswith('"') or domain.startswith("["):
        raise invalid
    if not local.isascii():
        raise invalid
    if not domain.isascii():
        try:
            domain = idna.encode(unicodedata.normalize("NFC", domain.lower()), uts46=False).decode()
        except idna.IDNAError as error:
            raise invalid from error
    address = f"{local}@{domain}".lower()
    if len(address) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(gettext("This email address is too long."))
    try:
        _address_validator(address)
    except ValidationError as error:
        raise invalid from error
    return address


def rate_limit_ip(ip: str | None) -> str | None:
    """The address that per-network limits count: the IPv4 address, or the IPv6 /64.

    One IPv6 customer holds a whole /64, so counting single IPv6 addresses would let one
    machine rotate through billions of them.
    """
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def valid_ip(ip: str | None) -> str | None:
    """The IP address as a consent record stores it, or None when there is none or it is not one."""
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None
