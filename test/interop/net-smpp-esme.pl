#!/usr/bin/perl
# A small ESME on Perl's Net::SMPP (Debian libnet-smpp-perl 1.19), driven by test/interop/net-smpp.test.ts.
# It prints one JSON object per line on stdout for every event, and exits non-zero with a message on
# stderr on any failure. Every wait is bounded by --timeout seconds (IO::Select before each read;
# Net::SMPP's own reads have no timeout, and its synchronous calls drop every PDU they are not waiting
# for, so every request here goes out with async => 1 and this script reads the answers itself).
#
#   net-smpp-esme.pl --host H --port P [--timeout S] SCENARIO [options]
#
# Scenarios:
#   binds  --login SID:PW ...       bind_transceiver with each login in turn on one connection until
#                                   one succeeds; then enquire_link and unbind
#   submit --login SID:PW --to D ... --text T [--source S] [--rd N]
#                                   one submit_sm per --to; then one receipt (deliver_sm) per
#                                   accepted message when --rd is given, each answered; then unbind
#   burst  --login SID:PW --to D --count N --text T
#                                   N submit_sm pipelined without waiting, then their N responses;
#                                   then enquire_link and unbind
#   ussd   --login SID:PW --menu TEXT --final FORMAT
#                                   waits for a PSSR indication (deliver_sm, ussd_service_op 1),
#                                   answers with a USSR request (op 2, TEXT), waits for the USSR
#                                   confirm (op 18) and ends with a PSSR response (op 17,
#                                   sprintf(FORMAT, the user's answer)); then unbind
use strict;
use warnings;
use Getopt::Long qw(GetOptionsFromArray);
use IO::Select;
use JSON::PP;
use Encode qw(decode);
use Time::HiRes qw(time);
use Net::SMPP;

$| = 1;

use constant {
    GENERIC_NACK          => 0x80000000,
    SUBMIT_SM             => 0x00000004,
    SUBMIT_SM_RESP        => 0x80000004,
    DELIVER_SM            => 0x00000005,
    UNBIND                => 0x00000006,
    UNBIND_RESP           => 0x80000006,
    BIND_TRANSCEIVER_RESP => 0x80000009,
    ENQUIRE_LINK          => 0x00000015,
    ENQUIRE_LINK_RESP     => 0x80000015,
};

my $json = JSON::PP->new->canonical(1)->utf8(1);

sub fail {
    my ($message) = @_;
    print STDERR "net-smpp-esme: $message\n";
    exit 1;
}

sub emit {
    my (%event) = @_;
    print $json->encode(\%event), "\n";
}

my ($host, $port, $timeout) = ('127.0.0.1', undef, 5);
my @args = @ARGV;
Getopt::Long::Configure('require_order');
GetOptionsFromArray(\@args, 'host=s' => \$host, 'port=i' => \$port, 'timeout=f' => \$timeout)
  or fail('bad options');
fail('--port is required') unless defined $port;
my $scenario = shift @args // fail('no scenario');

my (@logins, @to, $text, $source, $rd, $count, $menu, $final);
$text = 'hello from Net::SMPP';
$source = '';
GetOptionsFromArray(
    \@args,
    'login=s' => \@logins,
    'to=s'    => \@to,
    'text=s'  => \$text,
    'source=s' => \$source,
    'rd=i'    => \$rd,
    'count=i' => \$count,
    'menu=s'  => \$menu,
    'final=s' => \$final,
) or fail('bad scenario options');
fail("unexpected arguments: @args") if @args;
fail('--login SID:PW is required') unless @logins;

sub login {
    my ($spec) = @_;
    my ($sid, $pw) = $spec =~ /^([^:]*):(.*)$/ or fail("--login must be SID:PASSWORD, not $spec");
    return ($sid, $pw);
}

# ------------------------------------------------------------------ the connection and its reader

my $smpp = Net::SMPP->new_connect(
    $host,
    port              => $port,
    timeout           => $timeout,
    interface_version => 0x34,
    async             => 1,
) or fail("cannot connect to $host:$port: $!");
my $select = IO::Select->new($smpp);

# PDUs read from the SMSC and not yet taken by the scenario.
my @inbox;

sub read_one {
    my ($what, $deadline) = @_;
    my $left = $deadline - time;
    return 0 if $left <= 0;
    return 0 unless $select->can_read($left);
    my $pdu = $smpp->read_pdu;
    fail("connection lost while waiting for $what: " . (${*$smpp}{smpperror} // 'eof')) unless $pdu;
    if ($pdu->{cmd} == ENQUIRE_LINK) {
        $smpp->enquire_link_resp(seq => $pdu->{seq});
        emit(event => 'enquire_link_from_smsc', seq => $pdu->{seq});
        return 1;
    }
    if ($pdu->{cmd} == UNBIND) {
        $smpp->unbind_resp(seq => $pdu->{seq});
        fail("the SMSC unbound while waiting for $what");
    }
    push @inbox, $pdu;
    return 1;
}

# Takes the first PDU that `match` accepts, reading until --timeout seconds are over.
sub take {
    my ($what, $match) = @_;
    my $deadline = time + $timeout;
    for (;;) {
        for my $i (0 .. $#inbox) {
            return splice(@inbox, $i, 1) if $match->($inbox[$i]);
        }
        read_one($what, $deadline) or fail("timed out after ${timeout}s waiting for $what");
    }
}

sub response {
    my ($cmd, $seq, $what) = @_;
    return take(
        "$what (seq $seq)",
        sub {
            my ($p) = @_;
            return $p->{seq} == $seq && ($p->{cmd} == $cmd || $p->{cmd} == GENERIC_NACK);
        }
    );
}

sub cstring {
    my ($value) = @_;
    return undef unless defined $value;
    $value =~ s/\0+$//;
    return $value;
}

sub octet {
    my ($value) = @_;
    return undef unless defined $value && length($value) == 1;
    return ord($value);
}

sub text_of {
    my ($pdu) = @_;
    my $bytes = $pdu->{short_message} // '';
    $bytes = $pdu->{message_payload} if $bytes eq '' && defined $pdu->{message_payload};
    return decode('UTF-16BE', $bytes) if ($pdu->{data_coding} // 0) == 8;
    return $bytes;    # GSM-7 unpacked / ASCII / Latin-1: one octet, one character
}

sub deliver_event {
    my ($pdu) = @_;
    my $umr = $pdu->{user_message_reference};
    return (
        event                => 'deliver_sm',
        seq                  => $pdu->{seq},
        service_type         => $pdu->{service_type},
        source_addr          => $pdu->{source_addr},
        destination_addr     => $pdu->{destination_addr},
        esm_class            => $pdu->{esm_class},
        data_coding          => $pdu->{data_coding},
        short_message        => text_of($pdu),
        receipted_message_id => cstring($pdu->{receipted_message_id}),
        message_state        => octet($pdu->{message_state}),
        network_error_code   => defined $pdu->{network_error_code} ? unpack('H*', $pdu->{network_error_code}) : undef,
        ussd_service_op      => octet($pdu->{ussd_service_op}),
        its_session_info     => defined $pdu->{its_session_info} ? unpack('H*', $pdu->{its_session_info}) : undef,
        user_message_reference => defined $umr && length($umr) == 2 ? unpack('n', $umr) : undef,
    );
}

sub take_deliver {
    my ($what) = @_;
    my $pdu = take($what, sub { $_[0]->{cmd} == DELIVER_SM });
    emit(deliver_event($pdu));
    $smpp->deliver_sm_resp(message_id => '', seq => $pdu->{seq});
    return $pdu;
}

sub bind_as {
    my ($spec) = @_;
    my ($sid, $pw) = login($spec);
    my $seq  = $smpp->bind_transceiver(system_id => $sid, password => $pw);
    my $resp = response(BIND_TRANSCEIVER_RESP, $seq, 'bind_transceiver_resp');
    emit(
        event     => 'bind_resp',
        login     => $sid,
        status    => $resp->{status},
        system_id => $resp->{system_id},
        cmd       => $resp->{cmd},
    );
    return $resp->{status} == 0 && $resp->{cmd} == BIND_TRANSCEIVER_RESP;
}

sub bind_or_fail {
    bind_as($logins[0]) or fail("bind as $logins[0] refused");
}

sub enquire {
    my $seq  = $smpp->enquire_link;
    my $resp = response(ENQUIRE_LINK_RESP, $seq, 'enquire_link_resp');
    emit(event => 'enquire_link_resp', status => $resp->{status}, cmd => $resp->{cmd});
}

sub unbind {
    my $seq  = $smpp->unbind;
    my $resp = response(UNBIND_RESP, $seq, 'unbind_resp');
    emit(event => 'unbind_resp', status => $resp->{status}, cmd => $resp->{cmd});
    $smpp->close;
}

sub submit {
    my (%fields) = @_;
    my $seq = $smpp->submit_sm(%fields);
    return $seq;
}

sub submit_event {
    my ($resp, %extra) = @_;
    emit(
        event      => 'submit_sm_resp',
        seq        => $resp->{seq},
        status     => $resp->{status},
        message_id => $resp->{message_id},
        cmd        => $resp->{cmd},
        %extra,
    );
}

# ------------------------------------------------------------------ the scenarios

if ($scenario eq 'binds') {
    for my $spec (@logins) {
        next unless bind_as($spec);
        enquire();
        unbind();
        exit 0;
    }
    fail('no login was accepted');
}
elsif ($scenario eq 'submit') {
    fail('--to is required') unless @to;
    bind_or_fail();
    my $accepted = 0;
    for my $to (@to) {
        my $seq = submit(
            source_addr      => $source,
            destination_addr => $to,
            short_message    => $text,
            registered_delivery => $rd // 0,
        );
        my $resp = response(SUBMIT_SM_RESP, $seq, "submit_sm_resp for $to");
        submit_event($resp, to => $to);
        $accepted++ if $resp->{status} == 0;
    }
    if ($rd) {
        take_deliver("receipt " . ($_ + 1) . " of $accepted") for 0 .. $accepted - 1;
    }
    unbind();
}
elsif ($scenario eq 'burst') {
    fail('--to and --count are required') unless @to && $count;
    bind_or_fail();
    my @seqs = map { submit(source_addr => $source, destination_addr => $to[0], short_message => "$text $_") } 1 .. $count;
    for my $seq (@seqs) {
        submit_event(response(SUBMIT_SM_RESP, $seq, 'submit_sm_resp'));
    }
    enquire();
    unbind();
}
elsif ($scenario eq 'ussd') {
    fail('--menu and --final are required') unless defined $menu && defined $final;
    bind_or_fail();
    emit(event => 'ready');
    my $begin = take_deliver('the PSSR indication');
    fail('the first deliver_sm is not a PSSR indication (ussd_service_op 1)')
      unless (octet($begin->{ussd_service_op}) // -1) == 1;
    my $msisdn = $begin->{source_addr};
    my $umr    = $begin->{user_message_reference} // pack('n', 7);
    my @session = defined $begin->{its_session_info} ? (its_session_info => $begin->{its_session_info}) : ();
    my $seq = submit(
        service_type     => 'USSD',
        source_addr      => $begin->{destination_addr},
        destination_addr => $msisdn,
        data_coding      => $begin->{data_coding},
        short_message    => $menu,
        ussd_service_op  => chr(2),
        @session,
        user_message_reference => $umr,
    );
    submit_event(response(SUBMIT_SM_RESP, $seq, 'submit_sm_resp to the USSR request'), ussd_service_op => 2);

    my $confirm = take_deliver('the USSR confirm');
    fail('the second deliver_sm is not a USSR confirm (ussd_service_op 18)')
      unless (octet($confirm->{ussd_service_op}) // -1) == 18;
    @session = defined $confirm->{its_session_info} ? (its_session_info => $confirm->{its_session_info}) : @session;
    $seq = submit(
        service_type     => 'USSD',
        source_addr      => $begin->{destination_addr},
        destination_addr => $msisdn,
        data_coding      => $confirm->{data_coding},
        short_message    => sprintf($final, text_of($confirm)),
        ussd_service_op  => chr(17),
        @session,
        user_message_reference => $confirm->{user_message_reference} // $umr,
    );
    submit_event(response(SUBMIT_SM_RESP, $seq, 'submit_sm_resp to the PSSR response'), ussd_service_op => 17);
    unbind();
}
else {
    fail("unknown scenario $scenario");
}
exit 0;
