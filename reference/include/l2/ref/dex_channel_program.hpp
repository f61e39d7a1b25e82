// The DEX channel's bytecode twin: channel VM bytecode whose verdict on a move is check_move's
// (dex_channel.hpp), for an adjudicator that runs deployed programs (state_channel.md#applications).
// It copies from.app_data into memory, decodes it there, checks validate_state, applies to's action
// to that copy in place (verifying the results `to` carries rather than computing them: a quotient
// q = floor(x*y/d) holds iff q*d <= x*y < q*d + d, and r = isqrt(m) iff r*r <= m < r*r + 2r + 1,
// in 192-bit numbers of 32-bit limbs), then compares to.app_data with the copy, field by field,
// reading to through a small window, and checks to.outcome against the claims of the copy.
// spec: dex_channel.md#the-bytecode
#pragma once

#include <array>
#include <cstddef>

#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/channel_vm_assembler.hpp"
#include "l2/ref/dex_channel.hpp"

namespace l2::ref::dex_channel {

namespace program_detail {

// The largest from.app_data the program reads: state_channel.md's largest max_app_data_bytes
// (SC-DEPLOY-4), which SC-STATE-3 applies to every state of a support proof.
inline constexpr u64 max_from_bytes = 65536;

// Memory (dex_channel.md#memory). Variables are 8-byte words at 8·index; the numbers of the
// multi-precision routines are six 32-bit limbs, least significant first, one per 8-byte word.
inline constexpr u64 var_bytes = 8;
inline constexpr u64 mp_base = 512;
inline constexpr u64 mp_bytes = 48;
inline constexpr u64 mp_a = mp_base;                     // a factor
inline constexpr u64 mp_b = mp_base + mp_bytes;          // a factor
inline constexpr u64 mp_c = mp_base + 2 * mp_bytes;      // the product mp_a * mp_b
inline constexpr u64 mp_p = mp_base + 3 * mp_bytes;      // the dividend x*y of a verified quotient
inline constexpr u64 mp_x = mp_base + 4 * mp_bytes;      // get_amount_out's fee-weighted input
inline constexpr u64 mp_d = mp_base + 5 * mp_bytes;      // the divisor of a verified quotient
inline constexpr u64 mp_one = mp_base + 6 * mp_bytes;    // the number 1
inline constexpr u64 no_order = mp_base + 7 * mp_bytes;  // cancel_order's "no such order": owner 2^64 - 1
inline constexpr u64 window = 1024;                      // where reads of to.app_data land (at most 33 bytes)
inline constexpr u64 from_base = 1152;                   // the copy of from.app_data
inline constexpr u64 claims_gap = 64;                    // the claims start this far past the copy's end
inline constexpr u64 limb_mask = 0xffffffff;

// The variables, by index.
enum Var : u64 {
  v_n,           // PARTICIPANTS
  v_p,           // MOVER: the actor
  v_fsize,       // FROM_DATA_SIZE
  v_ha,          // address of the copy's DexState (its header of seven u64)
  v_po,          // address of the copy's first Position
  v_oo,          // address of the copy's first Order
  v_k,           // from's order count
  v_st,          // offset of to's DexState in to.app_data
  v_op,          // to's operation: 0 pass, 1 + the index of the present field of DexAction
  v_ao,          // offset of that operation's fields in to.app_data
  v_cnt,         // the number of operations to's action names
  v_pos,         // a parse cursor
  v_tpo,         // offset of to's first Position
  v_too,         // offset of to's first Order
  v_kt,          // to's order count
  v_ttr,         // offset of to's first Trade
  v_tt,          // to's trade count
  v_tota,        // from's total of A
  v_totb,        // from's total of B
  v_held,        // from's participants' shares
  v_i,           // the outer loop's index
  v_j,           // the inner loop's index
  v_prev,        // the previous order's id
  v_pa,          // address of the actor's Position in the copy
  v_rec,         // address of an Order in the copy
  v_place,       // 1 when the operation is place_order
  v_pside,       // place_order's side, price, lots and id
  v_pprice,
  v_plots,
  v_pid,
  v_plock_a,     // the A place_order locks (0 for a sell)
  v_fills,       // match's fills so far
  v_pooled,      // the pool's A paid to non-creators in the claims
  v_cl,          // address of the claims, one u64 per participant
  v_kept,        // the orders of the copy compared so far
  v_bid,         // match's best bid (address of its Order; 0 when none)
  v_ask,         // match's best ask
  v_q,           // a fill's lots
  v_e,           // a fill's price
  v_a,           // the arguments of verify_quotient
  v_b,
  v_d,
  v_r,
  v_t0,          // scratch
  v_t1,
  v_t2,
  v_t3,
  v_t4,
  v_t5,
  v_t6,
  v_t7,
  v_count
};
static_assert(v_count * var_bytes <= mp_base);

// The header of a DexState, byte offsets.
inline constexpr u64 h_fee = 0, h_lot_b = 8, h_reserve_a = 16, h_reserve_b = 24, h_total_shares = 32,
                     h_pool_creator = 40, h_next_order_id = 48, h_bytes = 56;
// A Position (24 bytes) and an Order (33 bytes), byte offsets.
inline constexpr u64 p_balance_a = 0, p_balance_b = 8, p_shares = 16, p_bytes = 24;
inline constexpr u64 o_id = 0, o_owner = 8, o_side = 16, o_price = 17, o_lots = 25, o_bytes = 33;
inline constexpr u64 t_bytes = 32;
static_assert(no_order + o_bytes <= window);
// The lengths of DexAction's six operations, in field order.
inline constexpr std::array<u64, 6> operation_bytes = {24, 24, 25, 17, 8, 8};
// The operations whose first field is an enumeration (SwapDirection, OrderSide).
constexpr bool has_enum(std::size_t op) { return op == 2 || op == 3; }

using channel_vm::Opcode;

// The assembler with the program's shorthands. Values are words on the stack; `var` names a
// variable; a comment "a b -> c" is the stack effect, top last.
struct DexAssembler : channel_vm::BasicAssembler<DexAssembler> {
  Label reject_label = 0;
  Label quotient_label = 0;  // the subroutine quotient, for the loops' bodies

  constexpr DexAssembler& o(Opcode x) { return op(x); }
  static constexpr u64 at(u64 var) { return var * var_bytes; }
  // -> mem[var]
  constexpr DexAssembler& ld(u64 var) { return push(at(var)).op(Opcode::mload); }
  // value -> ; mem[var] = value
  constexpr DexAssembler& st(u64 var) { return push(at(var)).op(Opcode::mstore); }
  // -> mem[addr]
  constexpr DexAssembler& ld_mem(u64 addr) { return push(addr).op(Opcode::mload); }
  constexpr DexAssembler& st_mem(u64 addr) { return push(addr).op(Opcode::mstore); }
  // -> mem[var] + off
  constexpr DexAssembler& addr(u64 var, u64 off) {
    ld(var);
    if (off != 0) push(off).op(Opcode::add);
    return *this;
  }
  // -> mem[mem[var] + off], the word of a field of the copy
  constexpr DexAssembler& field(u64 var, u64 off) { return addr(var, off).op(Opcode::mload); }
  constexpr DexAssembler& field8(u64 var, u64 off) { return addr(var, off).op(Opcode::mload8); }
  // value -> ; mem[mem[var] + off] = value
  constexpr DexAssembler& set_field(u64 var, u64 off) { return addr(var, off).op(Opcode::mstore); }
  // delta -> ; mem[mem[var] + off] += delta (the ADD faults past 2^64 - 1)
  constexpr DexAssembler& add_field(u64 var, u64 off) { return field(var, off).op(Opcode::add).set_field(var, off); }
  // delta -> ; mem[mem[var] + off] -= delta (the SUB faults below 0)
  constexpr DexAssembler& sub_field(u64 var, u64 off) {
    return field(var, off).swap(0).op(Opcode::sub).set_field(var, off);
  }
  constexpr DexAssembler& reject_if() { return jump_if(reject_label); }
  constexpr DexAssembler& reject_unless() { return op(Opcode::iszero).jump_if(reject_label); }
  // offset -> the u64 at offset of to.app_data (0 past its end)
  constexpr DexAssembler& to_word() {
    return push(8).push(window).op(Opcode::to_data_copy).push(window).op(Opcode::mload);
  }
  constexpr DexAssembler& to_byte() {
    return push(1).push(window).op(Opcode::to_data_copy).push(window).op(Opcode::mload8);
  }
  constexpr DexAssembler& to_u32() { return to_word().push(32).op(Opcode::shr); }
  // -> the u64 at mem[var] + off of to.app_data
  constexpr DexAssembler& to_field(u64 var, u64 off) { return addr(var, off).to_word(); }
  // c x y -> (c ? x : y), for c in {0, 1}: x·c + y·(1 − c), whose products cannot overflow
  constexpr DexAssembler& select() {
    dup(2).push(1).swap(0).op(Opcode::sub);  // c x y 1−c
    op(Opcode::mul);                          // c x y·(1−c)
    swap(1);                                  // y·(1−c) x c
    op(Opcode::mul).op(Opcode::add);          // y·(1−c) + x·c
    return *this;
  }

  // for (var = 0; var < limit; ++var) body, where `limit` pushes the bound.
  template <class Limit, class Body>
  constexpr DexAssembler& loop(u64 var, Limit limit, Body body) {
    const Label top = label(), done = label(), next = label();
    push(0).st(var);
    bind(top);
    ld(var);
    limit(*this);
    op(Opcode::lt).op(Opcode::iszero).jump_if(done);
    body(*this, next);
    bind(next);
    ld(var).push(1).op(Opcode::add).st(var).jump(top);
    bind(done);
    return *this;
  }

  // ---- multi-precision numbers: six 32-bit limbs ----
  // v -> ; the number at r = v
  constexpr DexAssembler& mp_set(u64 r) {
    dup(0).push(limb_mask).op(Opcode::bit_and).st_mem(r);
    push(32).op(Opcode::shr).st_mem(r + 8);
    for (u64 i = 2; i < 6; ++i) push(0).st_mem(r + 8 * i);
    return *this;
  }
  constexpr DexAssembler& mp_copy(u64 from, u64 to) {
    for (u64 i = 0; i < 6; ++i) ld_mem(from + 8 * i).st_mem(to + 8 * i);
    return *this;
  }
  // z = x + y, limb by limb with the carry; the carry out of the top limb is dropped (no use
  // of the program reaches 2^192). z may be x or y.
  constexpr DexAssembler& mp_add(u64 x, u64 y, u64 z) {
    push(0);
    for (u64 i = 0; i < 6; ++i) {
      ld_mem(x + 8 * i).op(Opcode::add).ld_mem(y + 8 * i).op(Opcode::add);
      dup(0).push(limb_mask).op(Opcode::bit_and).st_mem(z + 8 * i);
      push(32).op(Opcode::shr);
    }
    return op(Opcode::pop);
  }
  // -> (x < y ? 1 : 0), from the top limb down
  constexpr DexAssembler& mp_lt(u64 x, u64 y) {
    const Label done = label();
    for (u64 i = 6; i-- > 0;) {
      const Label next = label();
      ld_mem(x + 8 * i).ld_mem(y + 8 * i).dup(1).dup(1).op(Opcode::eq).jump_if(next);
      op(Opcode::lt).jump(done);
      bind(next).op(Opcode::pop).op(Opcode::pop);
    }
    push(0);
    bind(done);
    return *this;
  }
  // mp_c = mp_a * mp_b mod 2^192, schoolbook: each limb product plus a limb plus a carry is
  // below 2^64.
  constexpr DexAssembler& mp_mul_body() {
    for (u64 i = 0; i < 6; ++i) push(0).st_mem(mp_c + 8 * i);
    for (u64 i = 0; i < 6; ++i) {
      push(0);  // the carry
      for (u64 j = 0; i + j < 6; ++j) {
        ld_mem(mp_a + 8 * i).ld_mem(mp_b + 8 * j).op(Opcode::mul).op(Opcode::add);
        ld_mem(mp_c + 8 * (i + j)).op(Opcode::add);
        dup(0).push(limb_mask).op(Opcode::bit_and).st_mem(mp_c + 8 * (i + j));
        push(32).op(Opcode::shr);
      }
      op(Opcode::pop);
    }
    return *this;
  }
};

}  // namespace program_detail

// The DEX as channel VM bytecode: judge_move accepts exactly the moves check_move accepts, for
// every move whose from.app_data is at most 65536 bytes, whose to.outcome has at most n entries,
// and whose run has the gas of dex_channel.md#gas. The listing is dex_channel.md#the-bytecode.
constexpr Bytes dex_program() {
  namespace m = program_detail;
  using m::DexAssembler;
  using Label = DexAssembler::Label;
  using m::Opcode;
  constexpr u64 FB = m::from_base;
  DexAssembler a;
  a.reject_label = a.label();
  a.quotient_label = a.label();
  const Label quotient_sub = a.quotient_label;
  const Label accept = a.label(), finish = a.label(), mul_sub = a.label(), between_sub = a.label();
  const Label op_add = a.label(), op_remove = a.label(), op_swap = a.label(), op_place = a.label(),
              op_cancel = a.label(), op_match = a.label();
  const auto var = [](u64 v) { return [v](DexAssembler& x) { x.ld(v); }; };

  // ---- DX-MOVE-1: to.turn = from.turn + 1 (the ADD faults at 2^64 - 1) ----
  a.o(Opcode::from_turn).push(1).o(Opcode::add).o(Opcode::to_turn).o(Opcode::eq).reject_unless();
  // DX-MOVE-3: n >= 1, since judge_move refuses n = 0 without running the program. The actor
  // p = MOVER = to.turn mod n.
  a.o(Opcode::participants).st(m::v_n);
  a.o(Opcode::mover).st(m::v_p);
  a.push(1).mp_set(m::mp_one);

  // ---- from.app_data into memory at FB (at most 65536 bytes) ----
  a.o(Opcode::from_data_size).dup(0).st(m::v_fsize).push(m::max_from_bytes).o(Opcode::gt).reject_if();
  a.push(0).ld(m::v_fsize).push(FB).o(Opcode::from_data_copy);
  a.ld(m::v_fsize).push(FB + m::claims_gap).o(Opcode::add).st(m::v_cl);

  // ---- DX-MOVE-2, from's DexAction: six tags 0 or 1, enum bytes 0 or 1 ----
  a.push(0).st(m::v_pos);
  for (std::size_t op = 0; op < 6; ++op) {
    a.ld(m::v_pos).push(FB).o(Opcode::add).o(Opcode::mload8);  // tag
    a.dup(0).push(1).o(Opcode::gt).reject_if();
    if (m::has_enum(op)) {
      a.dup(0).ld(m::v_pos).push(FB + 1).o(Opcode::add).o(Opcode::mload8).push(1).o(Opcode::gt);
      a.o(Opcode::bit_and).reject_if();
    }
    a.push(m::operation_bytes[op]).o(Opcode::mul).push(1).o(Opcode::add).ld(m::v_pos).o(Opcode::add).st(m::v_pos);
  }
  a.ld(m::v_pos).push(FB).o(Opcode::add).st(m::v_ha);

  // ---- DX-MOVE-4, to's DexAction: the tags sum to at most 1 ----
  // A tag above 1 makes the sum 2 or more, so this test is DX-MOVE-2's for to's tags too; an enum
  // byte above 1 of the operation present makes the first `select` of its branch fault (1 - c).
  a.push(0).st(m::v_pos);
  for (std::size_t op = 0; op < 6; ++op) {
    a.ld(m::v_pos).to_byte();  // tag
    a.dup(0).ld(m::v_cnt).o(Opcode::add).st(m::v_cnt);
    a.dup(0).push(op + 1).o(Opcode::mul).ld(m::v_op).o(Opcode::add).st(m::v_op);
    a.dup(0).ld(m::v_pos).push(1).o(Opcode::add).o(Opcode::mul).ld(m::v_ao).o(Opcode::add).st(m::v_ao);
    a.push(m::operation_bytes[op]).o(Opcode::mul).push(1).o(Opcode::add).ld(m::v_pos).o(Opcode::add).st(m::v_pos);
  }
  a.ld(m::v_cnt).push(1).o(Opcode::gt).reject_if();
  a.ld(m::v_pos).st(m::v_st);

  // ---- from's DexState: n positions (DX-STATE-2), then orders and trades ending at its size ----
  a.field(m::v_ha, m::h_bytes).push(32).o(Opcode::shr).ld(m::v_n).o(Opcode::eq).reject_unless();
  a.addr(m::v_ha, m::h_bytes + 4).st(m::v_po);
  a.ld(m::v_n).push(m::p_bytes).o(Opcode::mul).ld(m::v_po).o(Opcode::add);  // the order count's address
  a.dup(0).o(Opcode::mload).push(32).o(Opcode::shr).st(m::v_k);
  a.push(4).o(Opcode::add).st(m::v_oo);
  a.ld(m::v_k).push(m::o_bytes).o(Opcode::mul).ld(m::v_oo).o(Opcode::add);  // the trade count's address
  a.dup(0).o(Opcode::mload).push(32).o(Opcode::shr).push(m::t_bytes).o(Opcode::mul).o(Opcode::add).push(4);
  a.o(Opcode::add).ld(m::v_fsize).push(FB).o(Opcode::add).o(Opcode::eq).reject_unless();

  // ---- to's DexState: n positions, then orders and trades ending at its size ----
  a.ld(m::v_st).push(m::h_bytes).o(Opcode::add).to_u32().ld(m::v_n).o(Opcode::eq).reject_unless();
  a.ld(m::v_st).push(m::h_bytes + 4).o(Opcode::add).st(m::v_tpo);
  a.ld(m::v_n).push(m::p_bytes).o(Opcode::mul).ld(m::v_tpo).o(Opcode::add);
  a.dup(0).to_u32().st(m::v_kt).push(4).o(Opcode::add).st(m::v_too);
  a.ld(m::v_kt).push(m::o_bytes).o(Opcode::mul).ld(m::v_too).o(Opcode::add);
  a.dup(0).to_u32().st(m::v_tt).push(4).o(Opcode::add).dup(0).st(m::v_ttr);
  a.ld(m::v_tt).push(m::t_bytes).o(Opcode::mul).o(Opcode::add).o(Opcode::to_data_size).o(Opcode::eq).reject_unless();

  // ---- validate_state(from) ----
  // DX-STATE-1: fee_bps < 10000, lot_b >= 1.
  a.field(m::v_ha, m::h_fee).push(bps_denominator).o(Opcode::lt).reject_unless();
  a.field(m::v_ha, m::h_lot_b).reject_unless();
  // DX-STATE-3 (first half): pool_creator < n.
  a.field(m::v_ha, m::h_pool_creator).ld(m::v_n).o(Opcode::lt).reject_unless();
  // The totals start at the reserves; every position adds its balances (the ADDs fault past
  // 2^64 - 1: DX-STATE-5) and its shares (past 2^64 - 1 the pool is neither empty nor funded).
  a.field(m::v_ha, m::h_reserve_a).st(m::v_tota);
  a.field(m::v_ha, m::h_reserve_b).st(m::v_totb);
  a.loop(m::v_i, var(m::v_n), [](DexAssembler& x, Label) {
    x.ld(m::v_i).push(m::p_bytes).o(Opcode::mul).ld(m::v_po).o(Opcode::add).st(m::v_rec);
    x.field(m::v_rec, m::p_balance_a).ld(m::v_tota).o(Opcode::add).st(m::v_tota);
    x.field(m::v_rec, m::p_balance_b).ld(m::v_totb).o(Opcode::add).st(m::v_totb);
    x.field(m::v_rec, m::p_shares).ld(m::v_held).o(Opcode::add).st(m::v_held);
  });
  // DX-STATE-3: (reserve_a | reserve_b | total_shares | held) = 0, or reserve_a, reserve_b >= 1
  // and held + 1000 = total_shares (the ADD faults only where neither can hold).
  a.field(m::v_ha, m::h_reserve_a).field(m::v_ha, m::h_reserve_b).o(Opcode::bit_or);
  a.field(m::v_ha, m::h_total_shares).o(Opcode::bit_or).ld(m::v_held).o(Opcode::bit_or).o(Opcode::iszero);
  a.field(m::v_ha, m::h_reserve_a).o(Opcode::iszero).o(Opcode::iszero);
  a.field(m::v_ha, m::h_reserve_b).o(Opcode::iszero).o(Opcode::iszero).o(Opcode::bit_and);
  a.ld(m::v_held).push(minimum_liquidity).o(Opcode::add).field(m::v_ha, m::h_total_shares).o(Opcode::eq);
  a.o(Opcode::bit_and).o(Opcode::bit_or).reject_unless();
  // DX-STATE-4 and DX-STATE-5 over the orders: side 0 or 1 (DX-MOVE-2), ids increasing and below
  // next_order_id, owner < n, price and lots >= 1, the lock's MUL and the totals' ADDs do not fault.
  a.loop(m::v_i, var(m::v_k), [](DexAssembler& x, Label) {
    x.ld(m::v_i).push(m::o_bytes).o(Opcode::mul).ld(m::v_oo).o(Opcode::add).st(m::v_rec);
    x.field8(m::v_rec, m::o_side).st(m::v_t0);  // a side above 1 makes the lock's select fault
    x.ld(m::v_i).o(Opcode::iszero).ld(m::v_prev).field(m::v_rec, m::o_id).o(Opcode::lt).o(Opcode::bit_or);
    x.reject_unless();
    x.field(m::v_rec, m::o_id).dup(0).st(m::v_prev).field(m::v_ha, m::h_next_order_id).o(Opcode::lt).reject_unless();
    x.field(m::v_rec, m::o_owner).ld(m::v_n).o(Opcode::lt).reject_unless();
    x.field(m::v_rec, m::o_price).reject_unless();
    x.field(m::v_rec, m::o_lots).reject_unless();
    // lock = lots · (sell ? lot_b : price)
    x.ld(m::v_t0).field(m::v_ha, m::h_lot_b).field(m::v_rec, m::o_price).select();
    x.field(m::v_rec, m::o_lots).o(Opcode::mul).dup(0).st(m::v_t1);
    x.ld(m::v_t0).o(Opcode::mul).ld(m::v_totb).o(Opcode::add).st(m::v_totb);
    x.push(1).ld(m::v_t0).o(Opcode::sub).ld(m::v_t1).o(Opcode::mul).ld(m::v_tota).o(Opcode::add).st(m::v_tota);
  });

  // ---- the operation ----
  a.ld(m::v_p).push(m::p_bytes).o(Opcode::mul).ld(m::v_po).o(Opcode::add).st(m::v_pa);
  a.ld(m::v_op).push(1).o(Opcode::eq).jump_if(op_add);
  a.ld(m::v_op).push(2).o(Opcode::eq).jump_if(op_remove);
  a.ld(m::v_op).push(3).o(Opcode::eq).jump_if(op_swap);
  a.ld(m::v_op).push(4).o(Opcode::eq).jump_if(op_place);
  a.ld(m::v_op).push(5).o(Opcode::eq).jump_if(op_cancel);
  a.ld(m::v_op).push(6).o(Opcode::eq).jump_if(op_match);
  a.jump(finish);  // a pass changes nothing but the trades

  // ---- add_liquidity: amount_a (t0), amount_b (t1), min_shares (t2) ----
  {
    const Label first = a.label(), by_b = a.label(), used = a.label(), effects = a.label();
    a.bind(op_add);
    a.to_field(m::v_ao, 0).st(m::v_t0).to_field(m::v_ao, 8).st(m::v_t1).to_field(m::v_ao, 16).st(m::v_t2);
    // DX-ADD-1 is implied by DX-ADD-4: an amount of 0 mints no share (r = isqrt(0) = 0 for a first
    // deposit; (a, b) = (0, 0), or a quotient of b = 0, later). DX-ADD-2:
    a.field(m::v_pa, m::p_balance_a).ld(m::v_t0).o(Opcode::lt).reject_if();
    a.field(m::v_pa, m::p_balance_b).ld(m::v_t1).o(Opcode::lt).reject_if();
    a.field(m::v_ha, m::h_total_shares).o(Opcode::iszero).jump_if(first);
    // Later deposits. The amounts used, as to carries them: (a, b) = to's reserves - from's (t3, t4).
    a.to_field(m::v_st, m::h_reserve_a).field(m::v_ha, m::h_reserve_a).o(Opcode::sub).st(m::v_t3);
    a.to_field(m::v_st, m::h_reserve_b).field(m::v_ha, m::h_reserve_b).o(Opcode::sub).st(m::v_t4);
    // b* = quote(amount_a, reserve_a, reserve_b) fits and is <= amount_b iff
    // amount_a · reserve_b < (amount_b + 1) · reserve_a.
    a.ld(m::v_t0).mp_set(m::mp_a).field(m::v_ha, m::h_reserve_b).mp_set(m::mp_b).call(mul_sub);
    a.mp_copy(m::mp_c, m::mp_p);
    a.ld(m::v_t1).mp_set(m::mp_a).field(m::v_ha, m::h_reserve_a).mp_set(m::mp_b).call(mul_sub);
    a.mp_add(m::mp_c, m::mp_b, m::mp_c).mp_lt(m::mp_p, m::mp_c).o(Opcode::iszero).jump_if(by_b);
    // (a, b) = (amount_a, b*)
    a.ld(m::v_t3).ld(m::v_t0).o(Opcode::eq).reject_unless();
    a.ld(m::v_t0).field(m::v_ha, m::h_reserve_b).field(m::v_ha, m::h_reserve_a).ld(m::v_t4).call(quotient_sub);
    a.reject_unless().jump(used);
    // (a, b) = (quote(amount_b, reserve_b, reserve_a), amount_b)
    a.bind(by_b);
    a.ld(m::v_t4).ld(m::v_t1).o(Opcode::eq).reject_unless();
    a.ld(m::v_t1).field(m::v_ha, m::h_reserve_a).field(m::v_ha, m::h_reserve_b).ld(m::v_t3).call(quotient_sub);
    a.reject_unless();
    a.bind(used);
    // The shares minted, as to carries them: m = to's total_shares - from's (t5). It is
    // min(floor(a·L/x), floor(b·L/y)) iff it is one of them and at most the other.
    a.to_field(m::v_st, m::h_total_shares).field(m::v_ha, m::h_total_shares).o(Opcode::sub).st(m::v_t5);
    a.ld(m::v_t3).field(m::v_ha, m::h_total_shares).field(m::v_ha, m::h_reserve_a).ld(m::v_t5).call(quotient_sub);
    a.st(m::v_t6);  // m = floor(a·L/x)
    a.ld(m::v_t4).field(m::v_ha, m::h_total_shares).field(m::v_ha, m::h_reserve_b).ld(m::v_t5).call(quotient_sub);
    a.st(m::v_t7);  // m = floor(b·L/y)
    // m <= floor(a·L/x) iff m·x <= a·L; likewise for b
    a.ld(m::v_t3).mp_set(m::mp_a).field(m::v_ha, m::h_total_shares).mp_set(m::mp_b).call(mul_sub);
    a.mp_copy(m::mp_c, m::mp_p);
    a.ld(m::v_t5).mp_set(m::mp_a).field(m::v_ha, m::h_reserve_a).mp_set(m::mp_b).call(mul_sub);
    a.mp_lt(m::mp_p, m::mp_c).o(Opcode::iszero);  // m <= by_a
    a.ld(m::v_t7).o(Opcode::bit_and);
    a.ld(m::v_t4).mp_set(m::mp_a).field(m::v_ha, m::h_total_shares).mp_set(m::mp_b).call(mul_sub);
    a.mp_copy(m::mp_c, m::mp_p);
    a.ld(m::v_t5).mp_set(m::mp_a).field(m::v_ha, m::h_reserve_b).mp_set(m::mp_b).call(mul_sub);
    a.mp_lt(m::mp_p, m::mp_c).o(Opcode::iszero);  // m <= by_b
    a.ld(m::v_t6).o(Opcode::bit_and).o(Opcode::bit_or).reject_unless();
    // DX-ADD-3 holds (m and total_shares + m are to's u64s); DX-ADD-4: m >= 1; DX-ADD-5
    a.ld(m::v_t5).reject_unless();
    a.ld(m::v_t5).ld(m::v_t2).o(Opcode::lt).reject_if();
    a.ld(m::v_t5).dup(0).st(m::v_t6).add_field(m::v_ha, m::h_total_shares);
    a.jump(effects).bind(first);
    // The first deposit: (a, b) = (amount_a, amount_b); r = to's total_shares (t5) is isqrt(a·b)
    // iff r·r <= a·b < r·r + 2r + 1.
    a.ld(m::v_t0).st(m::v_t3).ld(m::v_t1).st(m::v_t4);
    a.to_field(m::v_st, m::h_total_shares).st(m::v_t5);
    a.ld(m::v_t0).mp_set(m::mp_a).ld(m::v_t1).mp_set(m::mp_b).call(mul_sub).mp_copy(m::mp_c, m::mp_p);
    a.ld(m::v_t5).mp_set(m::mp_a).ld(m::v_t5).mp_set(m::mp_b).call(mul_sub);
    a.ld(m::v_t5).mp_set(m::mp_d).mp_add(m::mp_d, m::mp_d, m::mp_d).mp_add(m::mp_d, m::mp_one, m::mp_d);
    a.call(between_sub).reject_unless();
    // DX-ADD-4: r > 1000; m = r - 1000 (t6); DX-ADD-5
    a.ld(m::v_t5).push(minimum_liquidity).o(Opcode::gt).reject_unless();
    a.ld(m::v_t5).push(minimum_liquidity).o(Opcode::sub).st(m::v_t6);
    a.ld(m::v_t6).ld(m::v_t2).o(Opcode::lt).reject_if();
    a.ld(m::v_t5).set_field(m::v_ha, m::h_total_shares);
    a.ld(m::v_p).set_field(m::v_ha, m::h_pool_creator);
    // The effect: the actor pays (a, b) into the reserves and gets m shares.
    a.bind(effects);
    a.ld(m::v_t3).sub_field(m::v_pa, m::p_balance_a).ld(m::v_t4).sub_field(m::v_pa, m::p_balance_b);
    a.ld(m::v_t6).add_field(m::v_pa, m::p_shares);
    a.ld(m::v_t3).add_field(m::v_ha, m::h_reserve_a).ld(m::v_t4).add_field(m::v_ha, m::h_reserve_b);
    a.jump(finish);
  }

  // ---- remove_liquidity: shares (t0), min_a (t1), min_b (t2) ----
  a.bind(op_remove);
  a.to_field(m::v_ao, 0).st(m::v_t0).to_field(m::v_ao, 8).st(m::v_t1).to_field(m::v_ao, 16).st(m::v_t2);
  // DX-REM-1 is implied by DX-REM-3 (0 shares pay out 0); DX-REM-2 by the effect's SUB from the
  // actor's shares, which faults.
  // The payouts, as to carries them: from's reserves - to's (t3, t4), each floor(shares·reserve/L).
  a.field(m::v_ha, m::h_reserve_a).to_field(m::v_st, m::h_reserve_a).o(Opcode::sub).st(m::v_t3);
  a.field(m::v_ha, m::h_reserve_b).to_field(m::v_st, m::h_reserve_b).o(Opcode::sub).st(m::v_t4);
  a.ld(m::v_t0).field(m::v_ha, m::h_reserve_a).field(m::v_ha, m::h_total_shares).ld(m::v_t3).call(quotient_sub);
  a.reject_unless();
  a.ld(m::v_t0).field(m::v_ha, m::h_reserve_b).field(m::v_ha, m::h_total_shares).ld(m::v_t4).call(quotient_sub);
  a.reject_unless();
  // DX-REM-3, DX-REM-4
  a.ld(m::v_t3).reject_unless().ld(m::v_t4).reject_unless();
  a.ld(m::v_t3).ld(m::v_t1).o(Opcode::lt).reject_if();
  a.ld(m::v_t4).ld(m::v_t2).o(Opcode::lt).reject_if();
  a.ld(m::v_t0).sub_field(m::v_pa, m::p_shares).ld(m::v_t0).sub_field(m::v_ha, m::h_total_shares);
  a.ld(m::v_t3).add_field(m::v_pa, m::p_balance_a).ld(m::v_t4).add_field(m::v_pa, m::p_balance_b);
  a.ld(m::v_t3).sub_field(m::v_ha, m::h_reserve_a).ld(m::v_t4).sub_field(m::v_ha, m::h_reserve_b);
  a.jump(finish);

  // ---- swap_exact_in: direction (t0), amount_in (t1), min_out (t2), valid_until_turn (t3) ----
  a.bind(op_swap);
  a.to_field(m::v_ao, 0).push(56).o(Opcode::shr).st(m::v_t0);
  a.to_field(m::v_ao, 1).st(m::v_t1).to_field(m::v_ao, 9).st(m::v_t2).to_field(m::v_ao, 17).st(m::v_t3);
  // The addresses by direction; each select faults on a direction byte above 1 (DX-MOVE-2).
  a.ld(m::v_t0).addr(m::v_pa, m::p_balance_b).addr(m::v_pa, m::p_balance_a).select().st(m::v_t4);  // input balance
  a.ld(m::v_t0).addr(m::v_ha, m::h_reserve_b).addr(m::v_ha, m::h_reserve_a).select().st(m::v_t5);  // reserve_in
  a.ld(m::v_t0).addr(m::v_ha, m::h_reserve_a).addr(m::v_ha, m::h_reserve_b).select().st(m::v_t6);  // reserve_out
  // DX-SWAP-1. DX-SWAP-2 and DX-SWAP-3 are implied by DX-SWAP-5 (no input, or an empty pool, pays
  // out 0: the verified quotient is 0, or its divisor is 0 and no quotient verifies); DX-SWAP-4
  // by the effect's SUB from the input balance, which faults.
  a.o(Opcode::to_turn).ld(m::v_t3).o(Opcode::gt).reject_if();
  // out (t7), as to carries it: reserve_out - to's reserve_out.
  a.ld(m::v_t6).o(Opcode::mload);
  a.ld(m::v_t0).addr(m::v_st, m::h_reserve_a).addr(m::v_st, m::h_reserve_b).select().to_word();
  a.o(Opcode::sub).st(m::v_t7);
  // out = get_amount_out iff out·D <= X·reserve_out < out·D + D, with X = amount_in·(10000 - fee)
  // and D = reserve_in·10000 + X.
  a.ld(m::v_t1).mp_set(m::mp_a).push(bps_denominator).field(m::v_ha, m::h_fee).o(Opcode::sub).mp_set(m::mp_b);
  a.call(mul_sub).mp_copy(m::mp_c, m::mp_x);
  a.ld(m::v_t5).o(Opcode::mload).mp_set(m::mp_a).push(bps_denominator).mp_set(m::mp_b).call(mul_sub);
  a.mp_add(m::mp_c, m::mp_x, m::mp_d);
  a.mp_copy(m::mp_x, m::mp_a).ld(m::v_t6).o(Opcode::mload).mp_set(m::mp_b).call(mul_sub).mp_copy(m::mp_c, m::mp_p);
  a.ld(m::v_t7).mp_set(m::mp_a).mp_copy(m::mp_d, m::mp_b).call(mul_sub);
  a.call(between_sub).reject_unless();
  // DX-SWAP-5, DX-SWAP-6
  a.ld(m::v_t7).reject_unless();
  a.ld(m::v_t7).ld(m::v_t2).o(Opcode::lt).reject_if();
  // The input balance pays amount_in into reserve_in; reserve_out pays out to the output balance.
  a.ld(m::v_t4).o(Opcode::mload).ld(m::v_t1).o(Opcode::sub).ld(m::v_t4).o(Opcode::mstore);
  a.ld(m::v_t5).o(Opcode::mload).ld(m::v_t1).o(Opcode::add).ld(m::v_t5).o(Opcode::mstore);
  a.ld(m::v_t6).o(Opcode::mload).ld(m::v_t7).o(Opcode::sub).ld(m::v_t6).o(Opcode::mstore);
  a.ld(m::v_t0).addr(m::v_pa, m::p_balance_a).addr(m::v_pa, m::p_balance_b).select().st(m::v_t4);  // output balance
  a.ld(m::v_t4).o(Opcode::mload).ld(m::v_t7).o(Opcode::add).ld(m::v_t4).o(Opcode::mstore);
  a.jump(finish);

  // ---- place_order: side, price, lots ----
  a.bind(op_place);
  a.to_field(m::v_ao, 0).push(56).o(Opcode::shr).st(m::v_pside);
  a.to_field(m::v_ao, 1).st(m::v_pprice).to_field(m::v_ao, 9).st(m::v_plots);
  // DX-PLACE-1; DX-PLACE-2: the lock's MUL does not fault (its select faults on a side above 1);
  // DX-PLACE-3: the effect's SUB from the locked token's balance does not fault; DX-PLACE-4: the
  // ADD of next_order_id + 1 does not fault.
  a.ld(m::v_pprice).reject_unless().ld(m::v_plots).reject_unless();
  a.ld(m::v_pside).field(m::v_ha, m::h_lot_b).ld(m::v_pprice).select().ld(m::v_plots).o(Opcode::mul).st(m::v_t0);
  a.ld(m::v_pside).addr(m::v_pa, m::p_balance_b).addr(m::v_pa, m::p_balance_a).select().st(m::v_t1);  // locked token
  a.ld(m::v_t1).o(Opcode::mload).ld(m::v_t0).o(Opcode::sub).ld(m::v_t1).o(Opcode::mstore);
  a.field(m::v_ha, m::h_next_order_id).dup(0).st(m::v_pid).push(1).o(Opcode::add).set_field(m::v_ha, m::h_next_order_id);
  a.push(1).ld(m::v_pside).o(Opcode::sub).ld(m::v_t0).o(Opcode::mul).st(m::v_plock_a);
  a.push(1).st(m::v_place);
  a.jump(finish);

  // ---- cancel_order: order_id (t0) ----
  a.bind(op_cancel);
  a.to_field(m::v_ao, 0).st(m::v_t0);
  // The order with that id (ids increase, so at most one): its address, or no_order's, whose
  // owner 2^64 - 1 is no actor. rec = no_order + Σ (id = order_id)·(address - no_order).
  a.push8(u64_max).st_mem(m::no_order + m::o_owner);
  a.push(m::no_order).st(m::v_rec);
  a.loop(m::v_i, var(m::v_k), [](DexAssembler& x, Label) {
    x.ld(m::v_i).push(m::o_bytes).o(Opcode::mul).ld(m::v_oo).o(Opcode::add).dup(0);
    x.o(Opcode::mload).ld(m::v_t0).o(Opcode::eq).swap(0).push(m::no_order).o(Opcode::sub);
    x.o(Opcode::mul).ld(m::v_rec).o(Opcode::add).st(m::v_rec);
  });
  // DX-CANCEL-1 and DX-CANCEL-2 in one test: the order found is the actor's.
  a.field(m::v_rec, m::o_owner).ld(m::v_p).o(Opcode::eq).reject_unless();
  // The lock returns to the actor; the order's lots become 0, which takes it out of the book.
  a.field8(m::v_rec, m::o_side).dup(0).field(m::v_ha, m::h_lot_b).field(m::v_rec, m::o_price).select();
  a.field(m::v_rec, m::o_lots).o(Opcode::mul);                 // side lock
  a.swap(0).push(8).o(Opcode::mul).ld(m::v_pa).o(Opcode::add);  // lock balance
  a.dup(0).o(Opcode::mload).dup(2).o(Opcode::add).swap(0).o(Opcode::mstore).o(Opcode::pop);
  a.push(0).set_field(m::v_rec, m::o_lots);
  a.jump(finish);

  // ---- match: max_fills (t0) ----
  {
    const Label fill = a.label(), no_cross = a.label(), matched = a.label();
    a.bind(op_match);
    a.to_field(m::v_ao, 0).dup(0).st(m::v_t0).reject_unless();  // DX-MATCH-1
    a.bind(fill);
    a.ld(m::v_fills).ld(m::v_t0).o(Opcode::eq).jump_if(matched);
    // The best bid (highest price, first in id order) and best ask (lowest price, likewise).
    a.push(0).st(m::v_bid).push(0).st(m::v_ask);
    a.loop(m::v_i, var(m::v_k), [](DexAssembler& x, Label next) {
      const Label sell = x.label();
      x.ld(m::v_i).push(m::o_bytes).o(Opcode::mul).ld(m::v_oo).o(Opcode::add).st(m::v_rec);
      x.field(m::v_rec, m::o_lots).o(Opcode::iszero).jump_if(next);
      x.field8(m::v_rec, m::o_side).jump_if(sell);
      x.field(m::v_rec, m::o_price).field(m::v_bid, m::o_price).o(Opcode::gt).ld(m::v_bid).o(Opcode::iszero);
      x.o(Opcode::bit_or).o(Opcode::iszero).jump_if(next);
      x.ld(m::v_rec).st(m::v_bid).jump(next);
      x.bind(sell);
      x.field(m::v_rec, m::o_price).field(m::v_ask, m::o_price).o(Opcode::lt).ld(m::v_ask).o(Opcode::iszero);
      x.o(Opcode::bit_or).o(Opcode::iszero).jump_if(next);
      x.ld(m::v_rec).st(m::v_ask);
    });
    // The book crosses: a bid, an ask, and the bid's price >= the ask's.
    a.ld(m::v_bid).o(Opcode::iszero).ld(m::v_ask).o(Opcode::iszero).o(Opcode::bit_or).jump_if(no_cross);
    a.field(m::v_bid, m::o_price).field(m::v_ask, m::o_price).o(Opcode::lt).jump_if(no_cross);
    // q = min(lots), e = the earlier order's price.
    a.field(m::v_bid, m::o_lots).field(m::v_ask, m::o_lots).o(Opcode::lt);
    a.field(m::v_bid, m::o_lots).field(m::v_ask, m::o_lots).select().st(m::v_q);
    a.field(m::v_bid, m::o_id).field(m::v_ask, m::o_id).o(Opcode::lt);
    a.field(m::v_bid, m::o_price).field(m::v_ask, m::o_price).select().st(m::v_e);
    // The buyer gets q·lot_b of B and q·(bid price - e) of A; the seller q·e of A.
    a.field(m::v_bid, m::o_owner).push(m::p_bytes).o(Opcode::mul).ld(m::v_po).o(Opcode::add).st(m::v_t1);
    a.field(m::v_ask, m::o_owner).push(m::p_bytes).o(Opcode::mul).ld(m::v_po).o(Opcode::add).st(m::v_t2);
    a.ld(m::v_q).field(m::v_ha, m::h_lot_b).o(Opcode::mul).add_field(m::v_t1, m::p_balance_b);
    a.field(m::v_bid, m::o_price).ld(m::v_e).o(Opcode::sub).ld(m::v_q).o(Opcode::mul).add_field(m::v_t1, m::p_balance_a);
    a.ld(m::v_e).ld(m::v_q).o(Opcode::mul).add_field(m::v_t2, m::p_balance_a);
    // to's trade number `fills` is {bid id, ask id, q, e}.
    a.ld(m::v_fills).push(m::t_bytes).o(Opcode::mul).ld(m::v_ttr).o(Opcode::add).push(m::t_bytes).push(m::window);
    a.o(Opcode::to_data_copy);
    a.ld_mem(m::window).field(m::v_bid, m::o_id).o(Opcode::eq).reject_unless();
    a.ld_mem(m::window + 8).field(m::v_ask, m::o_id).o(Opcode::eq).reject_unless();
    a.ld_mem(m::window + 16).ld(m::v_q).o(Opcode::eq).reject_unless();
    a.ld_mem(m::window + 24).ld(m::v_e).o(Opcode::eq).reject_unless();
    a.ld(m::v_q).sub_field(m::v_bid, m::o_lots).ld(m::v_q).sub_field(m::v_ask, m::o_lots);
    a.ld(m::v_fills).push(1).o(Opcode::add).st(m::v_fills).jump(fill);
    // DX-MATCH-2: the first round must cross.
    a.bind(no_cross).ld(m::v_fills).reject_unless();
    a.bind(matched).jump(finish);
  }

  // ---- DX-MOVE-5: to's DexState is the copy, field by field ----
  a.bind(finish);
  for (u64 w = 0; w < m::h_bytes; w += 8) a.to_field(m::v_st, w).field(m::v_ha, w).o(Opcode::eq).reject_unless();
  a.loop(m::v_i, var(m::v_n), [](DexAssembler& x, Label) {
    x.ld(m::v_i).push(m::p_bytes).o(Opcode::mul).dup(0).ld(m::v_tpo).o(Opcode::add).push(m::p_bytes).push(m::window);
    x.o(Opcode::to_data_copy).ld(m::v_po).o(Opcode::add).st(m::v_rec);
    for (u64 w = 0; w < m::p_bytes; w += 8) x.ld_mem(m::window + w).field(m::v_rec, w).o(Opcode::eq).reject_unless();
  });
  // The copy's orders with lots left, in order, then place_order's new order.
  a.push(0).st(m::v_kept);
  a.loop(m::v_i, var(m::v_k), [](DexAssembler& x, Label next) {
    x.ld(m::v_i).push(m::o_bytes).o(Opcode::mul).ld(m::v_oo).o(Opcode::add).st(m::v_rec);
    x.field(m::v_rec, m::o_lots).o(Opcode::iszero).jump_if(next);
    x.ld(m::v_kept).push(m::o_bytes).o(Opcode::mul).ld(m::v_too).o(Opcode::add).push(m::o_bytes).push(m::window);
    x.o(Opcode::to_data_copy);
    for (const u64 w : {m::o_id, m::o_owner, m::o_price, m::o_lots})
      x.ld_mem(m::window + w).field(m::v_rec, w).o(Opcode::eq).reject_unless();
    x.push(m::window + m::o_side).o(Opcode::mload8).field8(m::v_rec, m::o_side).o(Opcode::eq).reject_unless();
    x.ld(m::v_kept).push(1).o(Opcode::add).st(m::v_kept);
  });
  {
    const Label no_place = a.label();
    a.ld(m::v_place).o(Opcode::iszero).jump_if(no_place);
    a.ld(m::v_kept).push(m::o_bytes).o(Opcode::mul).ld(m::v_too).o(Opcode::add).push(m::o_bytes).push(m::window);
    a.o(Opcode::to_data_copy);
    a.ld_mem(m::window + m::o_id).ld(m::v_pid).o(Opcode::eq).reject_unless();
    a.ld_mem(m::window + m::o_owner).ld(m::v_p).o(Opcode::eq).reject_unless();
    a.push(m::window + m::o_side).o(Opcode::mload8).ld(m::v_pside).o(Opcode::eq).reject_unless();
    a.ld_mem(m::window + m::o_price).ld(m::v_pprice).o(Opcode::eq).reject_unless();
    a.ld_mem(m::window + m::o_lots).ld(m::v_plots).o(Opcode::eq).reject_unless();
    a.ld(m::v_kept).push(1).o(Opcode::add).st(m::v_kept);
    a.bind(no_place);
  }
  a.ld(m::v_kt).ld(m::v_kept).o(Opcode::eq).reject_unless();
  // The trades: match's fills (compared as made), none for the other operations.
  a.ld(m::v_tt).ld(m::v_fills).o(Opcode::eq).reject_unless();

  // ---- DX-MOVE-6: to.outcome = claims_a(the copy) ----
  // cl[i] = balance_a[i] + the A its buy orders lock (and the new order's, for a buy).
  a.loop(m::v_i, var(m::v_n), [](DexAssembler& x, Label) {
    x.ld(m::v_i).push(m::p_bytes).o(Opcode::mul).ld(m::v_po).o(Opcode::add).o(Opcode::mload);
    x.ld(m::v_i).push(8).o(Opcode::mul).ld(m::v_cl).o(Opcode::add).o(Opcode::mstore);
  });
  a.loop(m::v_i, var(m::v_k), [](DexAssembler& x, Label next) {
    x.ld(m::v_i).push(m::o_bytes).o(Opcode::mul).ld(m::v_oo).o(Opcode::add).st(m::v_rec);
    x.field8(m::v_rec, m::o_side).jump_if(next);
    x.field(m::v_rec, m::o_price).field(m::v_rec, m::o_lots).o(Opcode::mul);
    x.field(m::v_rec, m::o_owner).push(8).o(Opcode::mul).ld(m::v_cl).o(Opcode::add).st(m::v_t0);
    x.add_field(m::v_t0, 0);
  });
  a.ld(m::v_p).push(8).o(Opcode::mul).ld(m::v_cl).o(Opcode::add).st(m::v_t0);
  a.ld(m::v_plock_a).add_field(m::v_t0, 0);
  // Each participant but pool_creator: part = outcome[i] - cl[i] is floor(shares·reserve_a/L)
  // (0 when L = 0); pool_creator gets cl[c] + reserve_a - the others' parts.
  a.push(0).st(m::v_pooled);
  a.loop(m::v_i, var(m::v_n), [](DexAssembler& x, Label next) {
    const Label funded = x.label(), part_ok = x.label();
    x.ld(m::v_i).field(m::v_ha, m::h_pool_creator).o(Opcode::eq).jump_if(next);
    x.ld(m::v_i).o(Opcode::to_outcome).ld(m::v_i).push(8).o(Opcode::mul).ld(m::v_cl).o(Opcode::add);
    x.o(Opcode::mload).o(Opcode::sub).st(m::v_t1);
    x.field(m::v_ha, m::h_total_shares).jump_if(funded);
    x.ld(m::v_t1).reject_if().jump(part_ok);
    x.bind(funded);
    x.ld(m::v_i).push(m::p_bytes).o(Opcode::mul).ld(m::v_po).o(Opcode::add).push(m::p_shares).o(Opcode::add);
    x.o(Opcode::mload).field(m::v_ha, m::h_reserve_a).field(m::v_ha, m::h_total_shares).ld(m::v_t1);
    x.call(x.quotient_label).reject_unless();
    x.bind(part_ok);
    x.ld(m::v_t1).ld(m::v_pooled).o(Opcode::add).st(m::v_pooled);
  });
  a.field(m::v_ha, m::h_pool_creator).o(Opcode::to_outcome);
  a.field(m::v_ha, m::h_pool_creator).push(8).o(Opcode::mul).ld(m::v_cl).o(Opcode::add).o(Opcode::mload);
  a.field(m::v_ha, m::h_reserve_a).o(Opcode::add).ld(m::v_pooled).o(Opcode::sub).o(Opcode::eq).reject_unless();
  a.jump(accept);

  // ---- subroutines ----
  // mul: mp_c = mp_a · mp_b.
  a.bind(mul_sub).mp_mul_body().o(Opcode::ret);
  // between: -> (mp_c <= mp_p < mp_c + mp_d); clobbers mp_c.
  a.bind(between_sub).mp_lt(m::mp_p, m::mp_c).o(Opcode::iszero);
  a.mp_add(m::mp_c, m::mp_d, m::mp_c).mp_lt(m::mp_p, m::mp_c).o(Opcode::bit_and).o(Opcode::ret);
  // quotient: x y d q -> (q = floor(x·y/d)), for d >= 1.
  a.bind(quotient_sub).st(m::v_r).st(m::v_d).st(m::v_b).st(m::v_a);
  a.ld(m::v_a).mp_set(m::mp_a).ld(m::v_b).mp_set(m::mp_b).call(mul_sub).mp_copy(m::mp_c, m::mp_p);
  a.ld(m::v_r).mp_set(m::mp_a).ld(m::v_d).mp_set(m::mp_b).call(mul_sub).mp_copy(m::mp_b, m::mp_d);
  a.call(between_sub).o(Opcode::ret);

  a.bind(a.reject_label).o(Opcode::reject);
  a.bind(accept).o(Opcode::accept);
  return a.finish();
}

// Gas that suffices to judge a move of the domain (dex_channel.md#gas): n participants, k orders
// in from's state, f trades in to's (match's fills), from.app_data of from_bytes bytes. The memory
// term is channel_vm.md#gas's price of the words up to the claims' end, plus the copy's 3 per word.
constexpr u64 dex_program_gas_bound(u64 n, u64 k, u64 f, u64 from_bytes) {
  namespace m = program_detail;
  const u64 words = (m::from_base + from_bytes + m::claims_gap + 8 * n + 31) / 32;
  return 30000 + 5000 * n + 1200 * k + f * (600 + 250 * k) + 6 * words + words * words / 512;
}

// The program's identity: channel_vm.md#app_definition of its bytes.
constexpr Hash32 dex_vm_app_definition() { return channel_vm::app_definition(dex_program()); }

}  // namespace l2::ref::dex_channel
