//! The model as a reliability block diagram, read from the checked
//! [`System`]'s structure: series left to right, parallel, k-of-n and
//! standby blocks stacked between a split and a join, replica groups as
//! stacks, failure domains as coloured badges with a legend, and a part
//! used in several places marked as one thing. Also as Graphviz DOT.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::scene::{Anchor, Prim, Rgb, Scene};
use super::{ChartError, ImageFormat, render};
use crate::model::system::{BlockKind, Node, NodeId, System};
use crate::value::quantity::human_duration;

/// What a drawn shape stands for.
#[derive(Clone, Debug)]
enum Kind {
    /// A component (or replica group): index into `System::components`.
    Leaf { comp: usize, domains: Vec<usize> },
    /// A bare item or domain reached directly (no component).
    Item { name: String },
    /// A named block met again where each block is built once (the DOT
    /// output): the block's name.
    Again { name: String },
    /// Members left to right.
    Series,
    /// Members stacked: `need` of them up (`standby`: index into
    /// `System::standbys`).
    Stack { need: u32, standby: Option<usize> },
    /// A `choose` block, drawn around the member it is evaluated at.
    Choice,
}

/// A shape of the diagram with its size (after `measure`).
#[derive(Clone, Debug)]
struct Shape {
    name: Option<String>,
    kind: Kind,
    kids: Vec<Shape>,
    w: f64,
    h: f64,
    /// Distance from the top to the in and out ports.
    py: f64,
}

const FONT: f64 = 13.0;
const SMALL: f64 = 11.0;
const SERIES_GAP: f64 = 34.0;
const STACK_GAP: f64 = 12.0;
const LANE: f64 = 26.0;
const PAD: f64 = 8.0;
const HEADER: f64 = 18.0;

const INK: Rgb = Rgb(40, 40, 40);
const EDGE: Rgb = Rgb(70, 70, 70);
const BOX: Rgb = Rgb(232, 240, 250);
const SHARED: Rgb = Rgb(150, 40, 160);
const FRAME: Rgb = Rgb(150, 150, 150);

/// Colours of failure domains, in the order the model defines them (no
/// purple or magenta: purple marks a part drawn in several places).
const PALETTE: [Rgb; 8] = [
    Rgb(230, 135, 30),
    Rgb(40, 140, 70),
    Rgb(52, 101, 164),
    Rgb(200, 40, 40),
    Rgb(110, 130, 30),
    Rgb(20, 150, 160),
    Rgb(160, 110, 40),
    Rgb(95, 105, 125),
];

fn domain_color(d: usize) -> Rgb {
    PALETTE[d % PALETTE.len()]
}

/// Width of a text, estimated for DejaVu Sans (0.6 em a character).
fn text_w(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

/// The structure under the system's root as shapes.
struct Builder<'a> {
    sys: &'a System,
    comp_of: HashMap<NodeId, usize>,
    block_of: HashMap<NodeId, usize>,
    choices_of: HashMap<NodeId, Vec<usize>>,
    domain_of: HashMap<NodeId, usize>,
    depth: usize,
    /// With `Some`: each block built once, a later use a [`Kind::Again`]
    /// (the blocks built so far).
    once: Option<HashSet<usize>>,
    /// Shapes built so far, and the most to build: past it, every shape
    /// is a bare `…` (the caller checks `made` and gives up).
    made: usize,
    limit: usize,
}

impl<'a> Builder<'a> {
    fn new(sys: &'a System) -> Self {
        let mut comp_of = HashMap::new();
        for (i, c) in sys.components().iter().enumerate() {
            comp_of.entry(c.node).or_insert(i);
        }
        let mut block_of = HashMap::new();
        let mut choices_of: HashMap<NodeId, Vec<usize>> = HashMap::new();
        for (i, b) in sys.blocks().iter().enumerate() {
            if b.kind == BlockKind::Choose {
                choices_of.entry(b.node).or_default().push(i);
            } else {
                block_of.entry(b.node).or_insert(i);
            }
        }
        let mut domain_of = HashMap::new();
        for (i, d) in sys.domains().iter().enumerate() {
            domain_of.entry(d.node).or_insert(i);
        }
        Builder {
            sys,
            comp_of,
            block_of,
            choices_of,
            domain_of,
            depth: 0,
            once: None,
            made: 0,
            limit: usize::MAX,
        }
    }

    /// The domains a component's replicas sit in (innermost, distinct, in
    /// model order).
    fn component_domains(&self, comp: usize) -> Vec<usize> {
        let c = &self.sys.components()[comp];
        let leaves: Vec<NodeId> = if c.items.len() == 1 {
            vec![c.node]
        } else {
            self.sys.node(c.node).children().to_vec()
        };
        let mut out = Vec::new();
        for leaf in leaves {
            for k in self.sys.node(leaf).children() {
                if let Some(&d) = self.domain_of.get(k) {
                    out.push(d);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn shape(&mut self, node: NodeId, skip_choices: usize) -> Shape {
        let blank = |name: Option<String>, kind: Kind, kids: Vec<Shape>| Shape {
            name,
            kind,
            kids,
            w: 0.0,
            h: 0.0,
            py: 0.0,
        };
        self.made += 1;
        if self.made > self.limit {
            return blank(None, Kind::Item { name: "…".into() }, vec![]);
        }
        if let Some(ch) = self.choices_of.get(&node)
            && skip_choices < ch.len()
        {
            let b = &self.sys.blocks()[ch[skip_choices]];
            let kid = self.shape(node, skip_choices + 1);
            return blank(Some(b.name.clone()), Kind::Choice, vec![kid]);
        }
        if self.depth > 200 {
            return blank(None, Kind::Item { name: "…".into() }, vec![]);
        }
        if let (Some(&bi), Some(seen)) = (self.block_of.get(&node), self.once.as_mut())
            && !seen.insert(bi)
        {
            let name = self.sys.blocks()[bi].name.clone();
            return blank(None, Kind::Again { name }, vec![]);
        }
        self.depth += 1;
        let out = if let Some(&bi) = self.block_of.get(&node) {
            let b = &self.sys.blocks()[bi];
            let kids: Vec<NodeId> = self.sys.node(node).children().to_vec();
            let shapes: Vec<Shape> = kids.iter().map(|&k| self.shape(k, 0)).collect();
            let kind = match (b.kind, self.sys.node(node)) {
                (BlockKind::Series, _) => Kind::Series,
                (BlockKind::Standby, _) => Kind::Stack {
                    need: 1,
                    standby: self.sys.standbys().iter().position(|s| s.name == b.name),
                },
                (_, Node::AtLeast { k, .. }) => Kind::Stack {
                    need: *k,
                    standby: None,
                },
                (_, _) => Kind::Stack {
                    need: kids.len() as u32,
                    standby: None,
                },
            };
            blank(Some(b.name.clone()), kind, shapes)
        } else if let Some(&ci) = self.comp_of.get(&node) {
            let domains = self.component_domains(ci);
            blank(
                Some(self.sys.components()[ci].name.clone()),
                Kind::Leaf { comp: ci, domains },
                vec![],
            )
        } else if let Some(&d) = self.domain_of.get(&node) {
            blank(
                None,
                Kind::Item {
                    name: self.sys.domains()[d].name.clone(),
                },
                vec![],
            )
        } else {
            match self.sys.node(node).clone() {
                Node::Item(id) => blank(
                    None,
                    Kind::Item {
                        name: self.sys.item(id).name.clone(),
                    },
                    vec![],
                ),
                Node::All(kids) => {
                    let shapes = kids.iter().map(|&k| self.shape(k, 0)).collect();
                    blank(None, Kind::Series, shapes)
                }
                Node::AtLeast { k, of } => {
                    let shapes = of.iter().map(|&c| self.shape(c, 0)).collect();
                    blank(
                        None,
                        Kind::Stack {
                            need: k,
                            standby: None,
                        },
                        shapes,
                    )
                }
            }
        };
        self.depth -= 1;
        out
    }
}

/// The label of a leaf's replica line: `×3, 2 needed`.
fn replica_line(sys: &System, comp: usize) -> Option<String> {
    let c = &sys.components()[comp];
    let n = c.items.len();
    (n > 1).then(|| format!("{} of {n} replicas", c.need))
}

/// The header of a block's frame.
fn header(sys: &System, s: &Shape) -> String {
    let name = s.name.clone().unwrap_or_default();
    match &s.kind {
        Kind::Series => format!("{name}: series"),
        Kind::Stack {
            standby: Some(i), ..
        } => {
            let sb = &sys.standbys()[*i];
            let mut t = format!("{name}: standby, 1 of {}", s.kids.len());
            if sb.switch_success < 1.0 {
                t.push_str(&format!(
                    ", switch succeeds {}",
                    short_share(sb.switch_success)
                ));
            }
            t
        }
        Kind::Stack { need, .. } => format!("{name}: {need} of {}", s.kids.len()),
        Kind::Choice => format!("{name}: choice, drawn at the member evaluated"),
        _ => name,
    }
}

fn short_share(p: f64) -> String {
    crate::value::quantity::format_share(p)
}

/// The label on the edge into standby member `j`.
fn standby_edge_label(sys: &System, standby: usize, j: usize) -> String {
    let sb = &sys.standbys()[standby];
    if j == 0 {
        return "primary".into();
    }
    let mut parts = Vec::new();
    if sb.detect.mean() > 0.0 {
        parts.push(format!("detect {}", human_duration(sb.detect.mean())));
    }
    if sb.failover.mean() > 0.0 || parts.is_empty() {
        parts.push(format!("failover {}", human_duration(sb.failover.mean())));
    }
    parts.join(" + ")
}

fn badge_w(sys: &System, d: usize) -> f64 {
    text_w(&sys.domains()[d].name, SMALL) + 10.0
}

/// Sets every shape's size and port height, bottom up.
fn measure(sys: &System, s: &mut Shape, uses: &HashMap<String, usize>) {
    for k in &mut s.kids {
        measure(sys, k, uses);
    }
    let framed = s.name.is_some() && !matches!(s.kind, Kind::Leaf { .. });
    let (mut w, mut h, mut py) = match &s.kind {
        Kind::Leaf { comp, domains } => {
            let name = s.name.as_deref().unwrap_or("");
            let mut w = text_w(name, FONT) + 24.0;
            let mut h = 30.0;
            if let Some(r) = replica_line(sys, *comp) {
                w = w.max(text_w(&r, SMALL) + 24.0);
                h += 14.0;
            }
            if !domains.is_empty() {
                let bw: f64 = domains.iter().map(|&d| badge_w(sys, d) + 4.0).sum();
                w = w.max(bw + 16.0);
                h += 18.0;
            }
            if sys.components()[*comp].items.len() > 1 {
                w += 8.0;
                h += 8.0;
            }
            (w.max(70.0), h, h / 2.0)
        }
        Kind::Item { name } | Kind::Again { name } => {
            let w = (text_w(name, FONT) + 24.0).max(60.0);
            (w, 30.0, 15.0)
        }
        Kind::Series => {
            let up = s.kids.iter().map(|k| k.py).fold(0.0, f64::max);
            let down = s.kids.iter().map(|k| k.h - k.py).fold(0.0, f64::max);
            let w = s.kids.iter().map(|k| k.w).sum::<f64>()
                + SERIES_GAP * (s.kids.len().saturating_sub(1)) as f64;
            (w, up + down, up)
        }
        Kind::Stack { standby, .. } => {
            let lane = lane_w(sys, s, *standby);
            let w = s.kids.iter().map(|k| k.w).fold(0.0, f64::max) + lane + LANE;
            let h = s.kids.iter().map(|k| k.h).sum::<f64>()
                + STACK_GAP * (s.kids.len().saturating_sub(1)) as f64;
            (w, h, h / 2.0)
        }
        Kind::Choice => {
            let k = &s.kids[0];
            (k.w, k.h, k.py)
        }
    };
    if framed {
        let title_w = text_w(&frame_title(sys, s, uses), SMALL) + 2.0 * PAD;
        w = (w + 2.0 * PAD).max(title_w);
        h += HEADER + 2.0 * PAD;
        py += HEADER + PAD;
    }
    s.w = w;
    s.h = h;
    s.py = py;
}

/// The width of a stack's left lane (room for standby edge labels).
fn lane_w(sys: &System, s: &Shape, standby: Option<usize>) -> f64 {
    match standby {
        Some(i) => (0..s.kids.len())
            .map(|j| text_w(&standby_edge_label(sys, i, j), SMALL) + 16.0)
            .fold(LANE, f64::max),
        None => LANE,
    }
}

/// Draws the shapes into a scene.
struct Painter<'a> {
    sys: &'a System,
    scene: Scene,
    uses: HashMap<String, usize>,
}

impl Painter<'_> {
    fn edge(&mut self, pts: Vec<(f64, f64)>) {
        self.scene.prims.push(Prim::Line {
            pts,
            stroke: EDGE,
            width: 1.5,
            class: "edge",
        });
    }

    fn wire(&mut self, pts: Vec<(f64, f64)>) {
        self.scene.prims.push(Prim::Line {
            pts,
            stroke: EDGE,
            width: 1.5,
            class: "wire",
        });
    }

    fn text(&mut self, x: f64, y: f64, text: String, size: f64, color: Rgb, anchor: Anchor) {
        self.scene.prims.push(Prim::Text {
            x,
            y,
            text,
            size,
            color,
            anchor,
        });
    }

    /// Draws `s` with its top left at (x, y); its ports are at (x, y + py)
    /// and (x + w, y + py).
    fn paint(&mut self, s: &Shape, x: f64, y: f64) {
        let framed = s.name.is_some() && !matches!(s.kind, Kind::Leaf { .. });
        let (mut ix, mut iy, mut iw) = (x, y, s.w);
        if framed {
            let shared = s.name.as_ref().is_some_and(|n| self.uses[n] > 1);
            self.scene.prims.push(Prim::Rect {
                x,
                y,
                w: s.w,
                h: s.h,
                fill: None,
                stroke: if shared { SHARED } else { FRAME },
                width: if shared { 2.0 } else { 1.0 },
                dash: true,
                class: "block",
                title: s.name.clone(),
            });
            let head = frame_title(self.sys, s, &self.uses);
            self.text(x + PAD, y + PAD + 5.0, head, SMALL, INK, Anchor::Start);
            ix = x + PAD;
            iy = y + HEADER + PAD;
            iw = s.w - 2.0 * PAD;
            // Wires from the frame's ports to the content's.
            let inner_w = inner_width(s);
            let py = y + s.py;
            self.wire(vec![(x, py), (ix, py)]);
            self.wire(vec![(ix + inner_w, py), (x + s.w, py)]);
            iw = iw.min(inner_w);
        }
        let _ = iw;
        match &s.kind {
            Kind::Leaf { comp, domains } => self.leaf(s, *comp, domains, x, y),
            Kind::Item { name } | Kind::Again { name } => {
                self.scene.prims.push(Prim::Rect {
                    x,
                    y,
                    w: s.w,
                    h: s.h,
                    fill: Some(BOX),
                    stroke: INK,
                    width: 1.0,
                    dash: false,
                    class: "box",
                    title: None,
                });
                self.text(
                    x + s.w / 2.0,
                    y + s.h / 2.0,
                    name.clone(),
                    FONT,
                    INK,
                    Anchor::Middle,
                );
            }
            Kind::Series => {
                let port = if framed { s.py - HEADER - PAD } else { s.py };
                let mut cx = ix;
                let mut prev: Option<(f64, f64)> = None;
                for k in &s.kids {
                    let ky = iy + port - k.py;
                    if let Some(p) = prev {
                        self.edge(vec![p, (cx, iy + port)]);
                    }
                    self.paint(k, cx, ky);
                    prev = Some((cx + k.w, iy + port));
                    cx += k.w + SERIES_GAP;
                }
            }
            Kind::Stack { standby, need } => {
                let lane = lane_w(self.sys, s, *standby);
                let port_y = y + s.py;
                let inner_w = inner_width(s);
                let (sx, jx) = (ix + 6.0, ix + inner_w - 6.0);
                let mut ky = iy;
                for (j, k) in s.kids.iter().enumerate() {
                    let kx = ix + lane;
                    let cy = ky + k.py;
                    self.edge(vec![(ix, port_y), (sx, port_y), (sx, cy), (kx, cy)]);
                    self.paint(k, kx, ky);
                    self.edge(vec![
                        (kx + k.w, cy),
                        (jx, cy),
                        (jx, port_y),
                        (ix + inner_w, port_y),
                    ]);
                    if let Some(i) = standby {
                        let label = standby_edge_label(self.sys, *i, j);
                        self.text(kx - 4.0, cy - 7.0, label, SMALL, INK, Anchor::End);
                    }
                    ky += k.h + STACK_GAP;
                }
                self.scene.prims.push(Prim::Circle {
                    x: sx,
                    y: port_y,
                    r: 3.0,
                    fill: EDGE,
                });
                self.scene.prims.push(Prim::Circle {
                    x: jx,
                    y: port_y,
                    r: 3.0,
                    fill: EDGE,
                });
                if standby.is_none() && !framed {
                    let label = format!("{need} of {}", s.kids.len());
                    self.text(sx + 4.0, port_y - 8.0, label, SMALL, INK, Anchor::Start);
                }
            }
            Kind::Choice => {
                let k = &s.kids[0];
                self.paint(k, ix, iy);
            }
        }
    }

    fn leaf(&mut self, s: &Shape, comp: usize, domains: &[usize], x: f64, y: f64) {
        let name = s.name.clone().unwrap_or_default();
        let shared = self.uses[&name] > 1;
        let c = &self.sys.components()[comp];
        let stacked = c.items.len() > 1;
        let (bw, bh) = if stacked {
            (s.w - 8.0, s.h - 8.0)
        } else {
            (s.w, s.h)
        };
        if stacked {
            for off in [8.0, 4.0] {
                self.scene.prims.push(Prim::Rect {
                    x: x + off,
                    y: y + 8.0 - off,
                    w: bw,
                    h: bh,
                    fill: Some(BOX),
                    stroke: INK,
                    width: 1.0,
                    dash: false,
                    class: "replica",
                    title: None,
                });
            }
        }
        let by = if stacked { y + 8.0 } else { y };
        let tip = if shared {
            format!("{name}: one component, drawn {} times", self.uses[&name])
        } else {
            name.clone()
        };
        self.scene.prims.push(Prim::Rect {
            x,
            y: by,
            w: bw,
            h: bh,
            fill: Some(BOX),
            stroke: if shared { SHARED } else { INK },
            width: if shared { 2.5 } else { 1.0 },
            dash: false,
            class: "box",
            title: Some(tip),
        });
        let mut ty = by + 15.0;
        self.text(x + bw / 2.0, ty, name.clone(), FONT, INK, Anchor::Middle);
        if let Some(r) = replica_line(self.sys, comp) {
            ty += 14.0;
            self.text(x + bw / 2.0, ty, r, SMALL, INK, Anchor::Middle);
        }
        if !domains.is_empty() {
            ty += 17.0;
            let total: f64 = domains
                .iter()
                .map(|&d| badge_w(self.sys, d) + 4.0)
                .sum::<f64>()
                - 4.0;
            let mut bx = x + (bw - total) / 2.0;
            for &d in domains {
                let w = badge_w(self.sys, d);
                let color = domain_color(d);
                self.scene.prims.push(Prim::Rect {
                    x: bx,
                    y: ty - 7.0,
                    w,
                    h: 14.0,
                    fill: Some(color),
                    stroke: color,
                    width: 1.0,
                    dash: false,
                    class: "badge",
                    title: None,
                });
                self.text(
                    bx + w / 2.0,
                    ty,
                    self.sys.domains()[d].name.clone(),
                    SMALL,
                    Rgb(255, 255, 255),
                    Anchor::Middle,
                );
                bx += w + 4.0;
            }
        }
        if shared {
            self.scene.prims.push(Prim::Circle {
                x: x + bw - 2.0,
                y: by + 2.0,
                r: 5.0,
                fill: SHARED,
            });
        }
    }
}

/// The width of a framed shape's content.
fn inner_width(s: &Shape) -> f64 {
    match &s.kind {
        Kind::Series => {
            s.kids.iter().map(|k| k.w).sum::<f64>()
                + SERIES_GAP * (s.kids.len().saturating_sub(1)) as f64
        }
        Kind::Choice => s.kids[0].w,
        _ if s.name.is_some() && !matches!(s.kind, Kind::Leaf { .. }) => s.w - 2.0 * PAD,
        _ => s.w,
    }
}

/// A block frame's title: its header, and how often the block is drawn
/// when more than once.
fn frame_title(sys: &System, s: &Shape, uses: &HashMap<String, usize>) -> String {
    let mut head = header(sys, s);
    if let Some(&n) = s.name.as_ref().and_then(|name| uses.get(name))
        && n > 1
    {
        head.push_str(&format!(" (one block, drawn {n} times)"));
    }
    head
}

/// How often each name is drawn.
fn count_uses(s: &Shape, uses: &mut HashMap<String, usize>) {
    if let Some(n) = &s.name {
        *uses.entry(n.clone()).or_default() += 1;
    }
    for k in &s.kids {
        count_uses(k, uses);
    }
}

/// The diagram's shapes, measured.
fn shapes(sys: &System) -> Shape {
    let mut b = Builder::new(sys);
    let mut root = b.shape(sys.root(), 0);
    let mut uses = HashMap::new();
    count_uses(&root, &mut uses);
    measure(sys, &mut root, &uses);
    root
}

/// The diagram as a scene.
fn scene(sys: &System) -> Scene {
    let root = shapes(sys);
    let mut uses = HashMap::new();
    count_uses(&root, &mut uses);
    let margin = 24.0;
    let term = 30.0;
    let top = 56.0;
    let mut p = Painter {
        sys,
        scene: Scene::default(),
        uses,
    };
    p.text(
        margin,
        20.0,
        format!(
            "{}: reliability block diagram of `{}`",
            sys.name(),
            sys.system()
        ),
        15.0,
        INK,
        Anchor::Start,
    );
    p.text(
        margin,
        38.0,
        "up when a path from in to out runs through parts that are up".into(),
        SMALL,
        Rgb(100, 100, 100),
        Anchor::Start,
    );
    let x = margin + term;
    p.paint(&root, x, top);
    let py = top + root.py;
    p.edge(vec![(margin, py), (x, py)]);
    p.edge(vec![(x + root.w, py), (x + root.w + term, py)]);
    p.scene.prims.push(Prim::Circle {
        x: margin,
        y: py,
        r: 4.0,
        fill: INK,
    });
    p.scene.prims.push(Prim::Circle {
        x: x + root.w + term,
        y: py,
        r: 4.0,
        fill: INK,
    });
    p.text(margin, py - 12.0, "in".into(), SMALL, INK, Anchor::Middle);
    p.text(
        x + root.w + term,
        py - 12.0,
        "out".into(),
        SMALL,
        INK,
        Anchor::Middle,
    );
    let mut y = top + root.h + 24.0;
    let mut width: f64 = x + root.w + term + margin;
    // Legend: the domains, then what the marks mean.
    let used_domains: Vec<usize> = {
        let mut v = Vec::new();
        collect_domains(&root, &mut v);
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut lx = margin;
    let mut legend_line = |_: &mut Painter<'_>, w: f64| {
        if lx + w > width.max(640.0) - margin && lx > margin {
            lx = margin;
            y += 20.0;
        }
        let at = (lx, y);
        lx += w + 16.0;
        at
    };
    for d in &used_domains {
        let dom = &sys.domains()[*d];
        let mut label = format!("failure domain {}", dom.name);
        if let Some(w) = dom.within {
            label.push_str(&format!(" (within {})", sys.domains()[w].name));
        }
        let (lx0, ly) = legend_line(&mut p, 18.0 + text_w(&label, SMALL));
        let color = domain_color(*d);
        p.scene.prims.push(Prim::Rect {
            x: lx0,
            y: ly - 6.0,
            w: 12.0,
            h: 12.0,
            fill: Some(color),
            stroke: color,
            width: 1.0,
            dash: false,
            class: "legend",
            title: None,
        });
        p.text(lx0 + 18.0, ly, label, SMALL, INK, Anchor::Start);
    }
    if p.uses.values().any(|&u| u > 1) {
        let label =
            "purple outline and dot: one part drawn in several places (it fails once, everywhere)";
        let (lx0, ly) = legend_line(&mut p, 18.0 + text_w(label, SMALL));
        p.scene.prims.push(Prim::Circle {
            x: lx0 + 6.0,
            y: ly,
            r: 5.0,
            fill: SHARED,
        });
        p.text(lx0 + 18.0, ly, label.into(), SMALL, INK, Anchor::Start);
    }
    // Parts the system does not use, so the diagram names everything.
    let mut unused: Vec<String> = Vec::new();
    for c in sys.components() {
        if !p.uses.contains_key(&c.name) {
            unused.push(c.name.clone());
        }
    }
    for b in sys.blocks() {
        if !p.uses.contains_key(&b.name) {
            unused.push(b.name.clone());
        }
    }
    if !unused.is_empty() {
        y += 22.0;
        let label = format!(
            "not drawn (not used by `{}`, or a choice not evaluated): {}",
            sys.system(),
            unused.join(", ")
        );
        width = width.max(text_w(&label, SMALL) + 2.0 * margin);
        p.text(margin, y, label, SMALL, Rgb(100, 100, 100), Anchor::Start);
    }
    let title_w = text_w(
        &format!(
            "{}: reliability block diagram of `{}`",
            sys.name(),
            sys.system()
        ),
        15.0,
    ) + 2.0 * margin;
    p.scene.w = width.max(title_w).max(320.0);
    p.scene.h = y + 24.0;
    p.scene
}

fn collect_domains(s: &Shape, out: &mut Vec<usize>) {
    if let Kind::Leaf { domains, .. } = &s.kind {
        out.extend(domains);
    }
    for k in &s.kids {
        collect_domains(k, out);
    }
}

/// The model as a reliability block diagram in SVG: series left to right,
/// parallel, k-of-n and standby blocks stacked (`2 of 3`, the failover
/// delay on a standby's edges), replica groups as stacked boxes, failure
/// domains as coloured badges with a legend, a part drawn in several places
/// outlined in purple. Edges are `<polyline class="edge">`: a series of n
/// members draws n − 1, a stacked block of n members 2n, plus one from
/// `in` and one to `out`. A `choose` block is drawn at the member that is
/// evaluated.
///
/// # Examples
///
/// ```
/// use fivenines::{System, chart};
/// let sys = System::from_str("m.toml", r#"
///     system = "app"
///     [component.web]
///     availability = "99.9%"
///     count = 3
///     need = 2
///     [component.db]
///     availability = "99.95%"
///     [block.app]
///     series = ["web", "db"]
/// "#)?;
/// let svg = chart::diagram_svg(&sys);
/// assert!(svg.contains("2 of 3 replicas"));
/// assert_eq!(svg.matches("class=\"edge\"").count(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diagram_svg(sys: &System) -> String {
    scene(sys).svg(&format!("{}: reliability block diagram", sys.name()))
}

/// Largest PNG diagram, pixels (about 200 MB of RGB).
const MAX_PNG_PIXELS: f64 = 64e6;

/// Most shapes (parts and blocks, every use counted) a diagram draws as
/// SVG or PNG: a model whose blocks are used in many places can have more
/// than memory holds (its DOT draws each block once).
const MAX_DRAWN: usize = 100_000;

/// How many shapes (parts and blocks, every use counted) a diagram draws,
/// counted up to `limit` (a larger count is given as `limit + 1`).
fn drawn_shapes(sys: &System, limit: usize) -> usize {
    let mut b = Builder::new(sys);
    b.limit = limit;
    b.shape(sys.root(), 0);
    b.made.min(limit + 1)
}

/// How many parts a diagram draws (every use counted), counted up to
/// 10,000 (a page draws at most a few hundred).
pub(crate) fn drawn_parts(sys: &System) -> usize {
    fn count(s: &Shape) -> usize {
        usize::from(s.kids.is_empty()) + s.kids.iter().map(count).sum::<usize>()
    }
    const LIMIT: usize = 10_000;
    if drawn_shapes(sys, LIMIT) > LIMIT {
        return LIMIT + 1;
    }
    count(&shapes(sys))
}

/// The diagram as SVG or PNG (the PNG at the diagram's own size).
///
/// # Errors
///
/// [`ChartError::Empty`] for a diagram of more than 100,000 shapes
/// (parts and blocks, every use of a block drawn again: a model whose
/// blocks are used in many places; [`diagram_dot`] draws each block once)
/// or a PNG over 64 megapixels (a model of thousands of parts);
/// [`ChartError::Draw`] when drawing fails.
pub fn diagram(sys: &System, format: ImageFormat) -> Result<Vec<u8>, ChartError> {
    if drawn_shapes(sys, MAX_DRAWN) > MAX_DRAWN {
        return Err(ChartError::Empty(format!(
            "the diagram of `{}` draws more than {MAX_DRAWN} shapes (a block is drawn again at each use): write it as DOT (--format dot), which draws each block once",
            sys.name()
        )));
    }
    match format {
        ImageFormat::Svg => Ok(diagram_svg(sys).into_bytes()),
        ImageFormat::Png => {
            let sc = scene(sys);
            if sc.w * sc.h > MAX_PNG_PIXELS {
                return Err(ChartError::Empty(format!(
                    "the diagram is {} × {} pixels, too large for a PNG (at most {} megapixels): write it as SVG or DOT",
                    sc.w.ceil(),
                    sc.h.ceil(),
                    MAX_PNG_PIXELS / 1e6
                )));
            }
            let size = super::Size {
                width: sc.w.ceil() as u32,
                height: sc.h.ceil() as u32,
            };
            render(&sc, format, size)
        }
    }
}

/// A DOT quoted string: a quote and a backslash escaped, a line break
/// written `\n` (Graphviz centres each line).
fn dot_id(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The model as a Graphviz digraph (`dot -Tsvg`): a component is one node
/// wherever it is used (a name used twice is visibly one thing), a named
/// block one cluster headed as in the diagram (`front: 2 of 3`) wherever
/// it is used (a later use's edges go to and from the same cluster, so the
/// graph grows with the model, not with its number of paths), a stacked
/// block a split and a join point between its members, failure domains as
/// outline colours named in the node's label.
///
/// Node ids live apart from the model's names, whatever they are: `in`
/// and `out` for the system's ends, `c:NAME` for a component, `i:NAME`
/// for an item or domain reached directly, `p:N` for a split or join
/// point; every node has its label. Nodes are declared (inside their
/// block's cluster) before the edges, which come last, outside every
/// cluster.
///
/// # Examples
///
/// ```
/// use fivenines::{System, chart};
/// let sys = System::from_str("m.toml", "system = \"a\"\n[component.a]\navailability = \"99%\"\n")?;
/// let dot = chart::diagram_dot(&sys);
/// assert!(dot.starts_with("digraph"));
/// assert!(dot.contains("\"in\" -> \"c:a\";"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diagram_dot(sys: &System) -> String {
    let mut b = Builder::new(sys);
    b.once = Some(HashSet::new());
    let root = b.shape(sys.root(), 0);
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", dot_id(sys.name()));
    out.push_str("  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fa\", fontname=\"DejaVu Sans\"];\n  graph [fontname=\"DejaVu Sans\", fontsize=11];\n  edge [fontname=\"DejaVu Sans\", fontsize=10];\n");
    out.push_str("  \"in\" [shape=circle, label=\"in\", fillcolor=white];\n  \"out\" [shape=circle, label=\"out\", fillcolor=white];\n");
    let mut st = DotState {
        sys,
        out,
        edges: String::new(),
        declared: HashSet::new(),
        blocks: HashMap::new(),
        next: 0,
        clusters: 0,
        indent: 1,
    };
    let (a, b) = st.walk(&root);
    let _ = writeln!(st.edges, "  \"in\" -> {a};\n  {b} -> \"out\";");
    let DotState { mut out, edges, .. } = st;
    out.push_str(&edges);
    out.push_str("}\n");
    out
}

struct DotState<'a> {
    sys: &'a System,
    /// Node declarations and clusters.
    out: String,
    /// Edge statements, written after every node.
    edges: String,
    declared: HashSet<String>,
    /// Each block's entry and exit, once walked.
    blocks: HashMap<String, (String, String)>,
    next: usize,
    clusters: usize,
    indent: usize,
}

impl DotState<'_> {
    fn pad(&self) -> String {
        "  ".repeat(self.indent)
    }

    fn point(&mut self, label: &str) -> String {
        self.next += 1;
        let id = format!("\"p:{}\"", self.next);
        let _ = writeln!(
            self.out,
            "{}{id} [shape=point, width=0.08, xlabel={}];",
            self.pad(),
            dot_id(label)
        );
        id
    }

    fn edge(&mut self, a: &str, b: &str, label: Option<&str>) {
        match label {
            Some(l) => {
                let _ = writeln!(self.edges, "  {a} -> {b} [label={}];", dot_id(l));
            }
            None => {
                let _ = writeln!(self.edges, "  {a} -> {b};");
            }
        }
    }

    /// Declares the nodes of `s` (a named block as a cluster) and its
    /// inner edges; returns its entry and exit node ids.
    fn walk(&mut self, s: &Shape) -> (String, String) {
        let cluster = s.name.is_some() && !matches!(s.kind, Kind::Leaf { .. });
        if cluster {
            self.clusters += 1;
            let _ = writeln!(
                self.out,
                "{}subgraph \"cluster_{}\" {{\n{}  label={}; style=\"rounded,dashed\"; color=\"#8c8c8c\";",
                self.pad(),
                self.clusters,
                self.pad(),
                dot_id(&header(self.sys, s))
            );
            self.indent += 1;
        }
        let ends = self.walk_inner(s);
        if let (true, Some(name)) = (cluster, &s.name) {
            self.blocks.insert(name.clone(), ends.clone());
        }
        if cluster {
            self.indent -= 1;
            let _ = writeln!(self.out, "{}}}", self.pad());
        }
        ends
    }

    fn walk_inner(&mut self, s: &Shape) -> (String, String) {
        match &s.kind {
            Kind::Leaf { comp, domains } => {
                let name = s.name.clone().unwrap_or_default();
                let key = format!("c:{name}");
                let id = dot_id(&key);
                if self.declared.insert(key) {
                    let mut label = name.clone();
                    if let Some(r) = replica_line(self.sys, *comp) {
                        label.push_str(&format!("\n{r}"));
                    }
                    let mut extra = String::new();
                    if !domains.is_empty() {
                        let names: Vec<&str> = domains
                            .iter()
                            .map(|&d| self.sys.domains()[d].name.as_str())
                            .collect();
                        label.push_str(&format!("\n[{}]", names.join(", ")));
                        let c = domain_color(domains[0]);
                        extra =
                            format!(", color=\"#{:02x}{:02x}{:02x}\", penwidth=2", c.0, c.1, c.2);
                    }
                    if self.sys.components()[*comp].items.len() > 1 {
                        extra.push_str(", peripheries=2");
                    }
                    let _ = writeln!(
                        self.out,
                        "{}{id} [label={}{extra}];",
                        self.pad(),
                        dot_id(&label)
                    );
                }
                (id.clone(), id)
            }
            Kind::Item { name } => {
                let key = format!("i:{name}");
                let id = dot_id(&key);
                if self.declared.insert(key) {
                    let _ = writeln!(self.out, "{}{id} [label={}];", self.pad(), dot_id(name));
                }
                (id.clone(), id)
            }
            Kind::Again { name } => match self.blocks.get(name) {
                Some(ends) => ends.clone(),
                // Not reached: a block is walked before it is met again
                // (both in the same order); a point keeps the graph whole.
                None => {
                    let p = self.point(name);
                    (p.clone(), p)
                }
            },
            Kind::Choice => self.walk(&s.kids[0]),
            Kind::Series => {
                let ends: Vec<(String, String)> = s.kids.iter().map(|k| self.walk(k)).collect();
                for w in ends.windows(2) {
                    self.edge(&w[0].1, &w[1].0, None);
                }
                match (ends.first(), ends.last()) {
                    (Some(f), Some(l)) => (f.0.clone(), l.1.clone()),
                    _ => {
                        let p = self.point("");
                        (p.clone(), p)
                    }
                }
            }
            Kind::Stack { need, standby } => {
                // A named block's cluster says it already.
                let label = match (standby, &s.name) {
                    (_, Some(_)) => String::new(),
                    (Some(_), None) => "standby".to_string(),
                    (None, None) => format!("{need} of {}", s.kids.len()),
                };
                let split = self.point(&label);
                let join = self.point("");
                for (j, k) in s.kids.iter().enumerate() {
                    let (a, b) = self.walk(k);
                    let l = standby.map(|i| standby_edge_label(self.sys, i, j));
                    self.edge(&split, &a, l.as_deref());
                    self.edge(&b, &join, None);
                }
                (split, join)
            }
        }
    }
}
