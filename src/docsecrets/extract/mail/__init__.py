"""Mail: RFC 822 messages (.eml) and Outlook messages (.msg)."""
