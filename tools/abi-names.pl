#!/usr/bin/perl
# tools/abi-names.pl WANTED-TAGS < PREPROCESSED -- the names in a set of C
# headers whose layout or value a compiled program depends on.
#
# Reads the output of `gcc -E` (with line markers) and prints, one per line:
#   struct TAG HEADER          a struct defined in HEADER, an event2 header
#                              (or one of WANTED-TAGS, comma separated,
#                              wherever it is: HEADER is then "-")
#   member TAG PATH            a member of it, nested members as a.b.c
#   bitfield TAG PATH          a bit-field (it has no offsetof)
#   enum NAME HEADER           an enumeration constant of an event2 header
# Only names are printed: the values are for the compiler to measure.
use strict;
use warnings;

my %wanted = map { $_ => 1 } grep { length } split /,/, ($ARGV[0] // '');
my ($text, $ours) = ('', 0);
my @marks;    # [offset into $text, from an event2 header?]
while (my $line = <STDIN>) {
	if ($line =~ /^# \d+ "([^"]*)"/) {
		push @marks, [length $text, ($1 =~ m{/(event2/[^/]+\.h)$}) ? $1 : 0];
		next;
	}
	next if $line =~ /^#/;
	$text .= $line;
}

# Tokens, each with whether it came from an event2 header.
my @tok;
my $mark = 0;
my $in_event2 = 0;
while ($text =~ /\G(?:\s+|([A-Za-z_]\w*|\d[\w.]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\.\.\.|->|[^\s]))/gc) {
	next unless defined $1;
	my $at = $-[1];
	while ($mark < @marks && $marks[$mark][0] <= $at) { $in_event2 = $marks[$mark][1]; $mark++; }
	push @tok, [$1, $in_event2];
}

my $i = 0;
sub peek { my $k = shift // 0; return $i + $k < @tok ? $tok[$i + $k][0] : '' }
sub skip_balanced {   # at an opening bracket: step past its partner
	my %pair = ('{' => '}', '(' => ')', '[' => ']');
	my ($open, $close, $depth) = (peek(), $pair{peek()}, 0);
	for (; $i < @tok; $i++) {
		$depth++ if $tok[$i][0] eq $open;
		if ($tok[$i][0] eq $close && --$depth == 0) { $i++; return; }
	}
}
sub skip_attributes {
	while (peek() =~ /^(__attribute__|__extension__|__restrict|__asm__)$/) {
		$i++;
		skip_balanced() if peek() eq '(';
	}
}

# Parse a struct or union body (at its '{'); returns [path, is_bitfield] pairs.
sub body {
	my @members;
	$i++;
	while ($i < @tok && peek() ne '}') {
		skip_attributes();
		if ((peek() eq 'struct' || peek() eq 'union') &&
		    (peek(1) eq '{' || (peek(1) =~ /^[A-Za-z_]/ && peek(2) eq '{'))) {
			$i++;
			$i++ if peek() ne '{';
			my @inner = body();
			my @names = declarators();
			if (!@names) { push @members, @inner; next; }   # anonymous member
			for my $n (@names) {
				push @members, [$n->[0], 0];
				push @members, map { ["$n->[0].$_->[0]", $_->[1]] } @inner;
			}
			next;
		}
		push @members, map { [$_->[0], $_->[1]] } declarators();
	}
	$i++;    # the closing brace
	return @members;
}

# The declarators up to the next ';' at this level: [name, is_bitfield].
sub declarators {
	my (@out, @cur);
	my $flush = sub {
		my ($name, $bits) = (undef, 0);
		for (my $k = 0; $k < @cur; $k++) {
			my $t = $cur[$k];
			if ($t eq '(' && ($cur[$k + 1] // '') eq '*') {   # (*name)(...)
				($name) = grep { /^[A-Za-z_]\w*$/ } @cur[$k + 2 .. $#cur];
				last;
			}
			$bits = 1, last if $t eq ':';
			last if $t eq '[';
			$name = $t if $t =~ /^[A-Za-z_]\w*$/ && $t !~ /^(struct|union|enum|const|volatile|unsigned|signed)$/;
		}
		push @out, [$name, $bits] if defined $name;
		@cur = ();
	};
	while ($i < @tok) {
		my $t = peek();
		if ($t eq ';') { $i++; last; }
		if ($t eq ',') { $flush->(); $i++; next; }
		if ($t eq '__attribute__') { $i++; skip_balanced() if peek() eq '('; next; }
		if ($t eq '(' || $t eq '[') {
			my $from = $i;
			skip_balanced();
			push @cur, map { $_->[0] } @tok[$from .. $i - 1];
			next;
		}
		if ($t eq '{') { skip_balanced(); next; }
		push @cur, $t;
		$i++;
	}
	$flush->() if @cur;
	return @out;
}

while ($i < @tok) {
	my ($t, $event2) = @{$tok[$i]};
	if (($t eq 'struct' || $t eq 'union') && peek(1) =~ /^[A-Za-z_]/ && peek(2) eq '{') {
		my $tag = peek(1);
		$i += 2;
		my @members = body();
		if ($t eq 'struct' && ($event2 || $wanted{$tag})) {
			print "struct $tag ", ($event2 || '-'), "\n";
			print(($_->[1] ? 'bitfield' : 'member'), " $tag $_->[0]\n") for @members;
		}
		next;
	}
	if ($t eq 'enum' && (peek(1) eq '{' || peek(2) eq '{')) {
		$i++;
		$i++ if peek() ne '{';
		my $from = ++$i;
		my $depth = 0;
		my $expect_name = 1;
		for (; $i < @tok; $i++) {
			my $u = $tok[$i][0];
			last if $u eq '}' && $depth == 0;
			$depth++ if $u eq '(';
			$depth-- if $u eq ')';
			if ($expect_name && $u =~ /^[A-Za-z_]/) { print "enum $u $event2\n" if $event2; $expect_name = 0; }
			$expect_name = 1 if $u eq ',' && $depth == 0;
		}
		$i++;
		next;
	}
	if ($t eq '{') { skip_balanced(); next; }
	$i++;
}
