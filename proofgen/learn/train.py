"""Training on a corpus with a fixed budget, and the evaluation on a
database's held-out proofs.  Needs torch.

Budget: `steps` optimizer steps of `batch` windows of `context` tokens
(each window predicts its `context` next tokens), so every arm sees
`steps * batch * context` training tokens and costs the same FLOPs.

Evaluation, on the words of each held-out proof's `steps` text with `<s>`
in front (`windows`): a proof that fits the context is read in one pass;
a longer one in passes that each start with its goal (the statement line)
followed by the words just before the ones scored, so every word is
predicted from the goal and at least half a window of what precedes it.
* loss: the mean negative log-likelihood (nats) of every word after `<s>`;
* label accuracy: at each step's label word (`corpus.label_positions`),
  the rank of the true label among the candidate labels (the database's
  axioms and theorems that are in the arm's vocabulary) by the model's
  logit for the next token, given everything before it (the goal and the
  previous rows, and the row's number and premise references); top-1 and
  top-10 are the shares of ranks 1 and at most 10; a label that is not in
  the vocabulary counts as wrong.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
import torch
from torch.nn import functional as F

from .corpus import Proof
from .model import Decoder
from .tokenizer import WordTokenizer


def seed_everything(seed: int, threads: int = 2) -> None:
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    torch.manual_seed(seed)


@dataclass
class Stream:
    """A corpus as one array of ids: each document `<s>` then its words."""
    ids: np.ndarray
    starts: np.ndarray              # where each document's `<s>` is

    @classmethod
    def of(cls, texts: Sequence[str], tok: WordTokenizer) -> "Stream":
        parts, starts, at = [], [], 0
        for t in texts:
            ids = tok.encode(t, bos=True)
            parts.append(np.asarray(ids, dtype=np.int64))
            starts.append(at)
            at += len(ids)
        ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return cls(ids, np.asarray(starts, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.ids)


def batch_of(stream: Stream, batch: int, context: int, rng: np.random.Generator) -> torch.Tensor:
    """`batch` windows of `context + 1` ids.  Half start at a document's
    `<s>` (as the evaluation reads a proof, goal first), half anywhere."""
    last = len(stream) - context - 1
    if last < 0:
        raise ValueError(f"a corpus of {len(stream)} tokens is shorter than one window")
    at_doc = rng.random(batch) < 0.5
    docs = stream.starts[rng.integers(0, len(stream.starts), batch)]
    anywhere = rng.integers(0, last + 1, batch)
    start = np.minimum(np.where(at_doc, docs, anywhere), last)
    idx = start[:, None] + np.arange(context + 1)[None, :]
    return torch.from_numpy(stream.ids[idx])


def loss_on(model: Decoder, ids: torch.Tensor) -> torch.Tensor:
    logits = model(ids[:, :-1])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))


def make_optimizer(model: Decoder, lr: float, weight_decay: float = 0.1) -> torch.optim.Optimizer:
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": rest, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.95))


def lr_at(step: int, steps: int, lr: float, warmup: int) -> float:
    """Linear warm-up, then cosine decay to a tenth."""
    if step < warmup:
        return lr * (step + 1) / warmup
    frac = (step - warmup) / max(1, steps - warmup)
    return lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))


def train(model: Decoder, stream: Stream, steps: int, batch: int, lr: float, seed: int,
          log: Optional[Callable[[str], None]] = None, log_every: int = 50) -> dict:
    """Train for exactly `steps` steps; the windows drawn from `seed`."""
    context = model.cfg.context
    rng = np.random.default_rng(seed)
    opt = make_optimizer(model, lr)
    warmup = max(1, steps // 20)
    model.train()
    t0 = time.perf_counter()
    losses = []
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, lr, warmup)
        ids = batch_of(stream, batch, context, rng)
        loss = loss_on(model, ids)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        if log and (step + 1) % log_every == 0:
            recent = losses[-log_every:]
            log(f"step {step + 1}/{steps} loss {sum(recent) / len(recent):.3f} "
                f"({time.perf_counter() - t0:.0f} s)")
    model.eval()
    return {"steps": steps, "tokens": steps * batch * context,
            "train_loss_last": float(np.mean(losses[-max(1, steps // 10):])),
            "seconds": time.perf_counter() - t0}


# -- evaluation ---------------------------------------------------------------

def windows(n: int, goal: int, context: int) -> list[tuple[list[int], int]]:
    """How a sequence of `n` tokens whose first `goal` are its goal is read
    with `context` positions: (positions fed to the model and the one after
    the last, how many of the last targets are scored).  Target `q` (token
    q, predicted from what comes before it) is scored exactly once, for
    q = 1..n-1."""
    if n <= context + 1:
        return [(list(range(n)), n - 1)]
    out = [(list(range(context + 1)), context)]
    g = min(goal, context // 2)
    new = (context - g) // 2
    keep = context + 1 - g - new               # history, the token before the first new one included
    s = context + 1                            # first target not yet scored
    while s < n:
        m = min(new, n - s)
        out.append((list(range(g)) + list(range(s - keep, s + m)), m))
        s += m
    return out


def reading_jobs(tok: WordTokenizer, proofs: Sequence[Proof], context: int) -> list[tuple]:
    """The evaluation's model inputs: per window (its ids, how many of its
    last targets are scored, the label targets: (input index j, the label's
    id), the label being the window's id j + 1)."""
    jobs = []
    for pr in proofs:
        ids = [tok.bos] + tok.encode_words(pr.words)
        label_at = {p + 1: ids[p + 1] for p in pr.label_positions}     # +1: the <s>
        for pos, m in windows(len(ids), pr.goal_words + 1, context):
            first = len(pos) - 1 - m                 # input index predicting the first scored
            labels = [(j, label_at[pos[j + 1]]) for j in range(first, len(pos) - 1)
                      if pos[j + 1] in label_at]
            jobs.append(([ids[p] for p in pos], m, labels))
    return jobs


@torch.no_grad()
def evaluate(model: Decoder, tok: WordTokenizer, proofs: Sequence[Proof],
             candidates: Sequence[str], batch: int = 32) -> dict:
    """Loss and label ranks over `proofs` (module docstring)."""
    model.eval()
    context = model.cfg.context
    cand = torch.tensor(sorted({tok.index[c] for c in candidates if c in tok.index}),
                        dtype=torch.long)
    jobs = reading_jobs(tok, proofs, context)
    nll = 0.0
    scored = unk = 0
    ranks: list[int] = []
    for b in range(0, len(jobs), batch):
        chunk = jobs[b:b + batch]
        width = max(len(w) for w, _, _ in chunk) - 1
        inp = torch.full((len(chunk), width), tok.pad, dtype=torch.long)
        tgt = torch.full((len(chunk), width), -100, dtype=torch.long)
        for r, (w, m, _) in enumerate(chunk):
            inp[r, :len(w) - 1] = torch.tensor(w[:-1])
            tgt[r, len(w) - 1 - m:len(w) - 1] = torch.tensor(w[len(w) - m:])
        logits = model(inp).float()
        nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1),
                               ignore_index=-100, reduction="sum").item()
        scored += int((tgt != -100).sum())
        unk += int((tgt == tok.unk).sum())
        for r, (_, _, labels) in enumerate(chunk):
            for j, true in labels:
                if true == tok.unk or len(cand) == 0 or not bool((cand == true).any()):
                    ranks.append(10 ** 9)          # not a label the model can name
                    continue
                row = logits[r, j]
                ranks.append(1 + int((row[cand] > row[true]).sum()))
    n = len(ranks)
    return {"proofs": len(proofs), "tokens": scored, "loss": nll / max(1, scored),
            "unk_share": unk / max(1, scored), "labels": n,
            "top1": sum(r == 1 for r in ranks) / max(1, n),
            "top10": sum(r <= 10 for r in ranks) / max(1, n),
            "label_candidates": len(cand)}
