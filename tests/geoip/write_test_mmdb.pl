#!/usr/bin/perl
# write_test_mmdb.pl OUT: writes the tiny country database the unit tests of src/store/geoip.h
# read (tests/unit/geoip_test.cc), with Debian's libmaxmind-db-writer-perl. Documentation
# networks only (RFC 5737, RFC 3849, RFC 5771), so it can never pass for real data.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $out = shift or die "usage: $0 OUT.mmdb\n";

my %types = (
  country            => 'map',
  registered_country => 'map',
  continent          => 'map',
  iso_code           => 'utf8_string',
  code               => 'utf8_string',
  country_code       => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version    => 6,
  record_size   => 24,
  database_type => 'Shortener-Test-Country',
  languages     => ['en'],
  description   => { en => 'shortener unit test country database' },
  map_key_type_callback => sub { $types{ $_[0] } },
  # The documentation ranges are reserved networks, which the writer leaves out by default.
  remove_reserved_networks => 0,
  # IPv4 is looked up under ::/96, and also under ::ffff:0:0/96 (mapped addresses).
  alias_ipv6_to_ipv4 => 1,
);

# MaxMind / DB-IP layout.
$tree->insert_network('192.0.2.0/24', { country => { iso_code => 'DE' } });
# Only a registered country (MaxMind does this for some anonymous networks).
$tree->insert_network('198.51.100.0/24', { registered_country => { iso_code => 'FR' } });
# ip-location-db layout, lower case to show the code is normalised.
$tree->insert_network('203.0.113.0/25', { country_code => 'nz' });
# A record without any country.
$tree->insert_network('203.0.113.128/25', { continent => { code => 'EU' } });
# A country code that is not two letters.
$tree->insert_network('233.252.0.0/24', { country => { iso_code => 'D1' } });
$tree->insert_network('2001:db8::/32', { country => { iso_code => 'JP' } });

open(my $fh, '>:raw', "$out.tmp") or die "$out.tmp: $!\n";
$tree->write_tree($fh);
close($fh) or die "$out.tmp: $!\n";
rename("$out.tmp", $out) or die "$out: $!\n";
