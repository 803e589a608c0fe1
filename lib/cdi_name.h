/* The syntax of CDI names: the kind "vendor.com/class", the device name,
 * the qualified "vendor.com/class=name", and the interface names of
 * netDevices. Pure functions. */
#ifndef SCH_CDI_NAME_H
#define SCH_CDI_NAME_H

#include <stdbool.h>
#include <stddef.h>

/* The longest vendor (a DNS subdomain) and class (a DNS label) the spec
 * allows. */
#define CDI_VENDOR_MAX 253
#define CDI_CLASS_MAX 63

/* A vendor or a class: a letter, then letters, digits, '_', '-' or '.',
 * ending with a letter or digit; at most @max bytes. */
bool cdi_is_vendor_or_class(const char *s, size_t n, size_t max);

/* A device name: a letter or digit, then letters, digits, '_', '-', '.'
 * or ':', ending with a letter or digit. */
bool cdi_is_device_name(const char *s, size_t n);

/* "vendor/class", each part as cdi_is_vendor_or_class says. */
bool cdi_is_kind(const char *s, size_t n);

/* An interface name the kernel takes: 1 to 15 bytes, no '/', ':' or
 * white space, not "." or "..". */
bool cdi_is_ifname(const char *s);

#endif
