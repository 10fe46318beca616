"""A small decoder-only transformer: token and position embeddings,
pre-norm blocks of causal self-attention and an MLP, the output layer tied
to the token embedding.  Needs torch."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class ModelConfig:
    vocab: int
    context: int = 256
    width: int = 128
    layers: int = 4
    heads: int = 4
    mlp: int = 4                  # hidden width of the MLP, in multiples of `width`
    dropout: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.heads = cfg.heads
        self.norm1 = nn.LayerNorm(cfg.width)
        self.qkv = nn.Linear(cfg.width, 3 * cfg.width)
        self.proj = nn.Linear(cfg.width, cfg.width)
        self.norm2 = nn.LayerNorm(cfg.width)
        self.up = nn.Linear(cfg.width, cfg.mlp * cfg.width)
        self.down = nn.Linear(cfg.mlp * cfg.width, cfg.width)
        self.dropout = cfg.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, t, 3, self.heads, d // self.heads).unbind(2)
        q, k, v = (y.transpose(1, 2) for y in (q, k, v))       # (b, heads, t, d/heads)
        drop = self.dropout if self.training else 0.0
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=drop)
        x = x + F.dropout(self.proj(a.transpose(1, 2).reshape(b, t, d)), drop, self.training)
        h = self.down(F.gelu(self.up(self.norm2(x))))
        return x + F.dropout(h, drop, self.training)


class Decoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        if cfg.width % cfg.heads:
            raise ValueError("the width is a multiple of the heads")
        self.cfg = cfg
        self.tokens = nn.Embedding(cfg.vocab, cfg.width)
        self.positions = nn.Embedding(cfg.context, cfg.width)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.norm = nn.LayerNorm(cfg.width)
        self.apply(self._init)
        # residual branches start small so a deeper stack starts near the identity
        for blk in self.blocks:
            for lin in (blk.proj, blk.down):
                nn.init.normal_(lin.weight, std=0.02 / (2 * cfg.layers) ** 0.5)

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def parameters_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits (batch, time, vocab) for the next token at every position."""
        t = ids.shape[1]
        if t > self.cfg.context:
            raise ValueError(f"{t} tokens: the context is {self.cfg.context}")
        x = self.tokens(ids) + self.positions(torch.arange(t, device=ids.device))
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x) @ self.tokens.weight.T          # tied output
