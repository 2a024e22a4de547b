// Package corpus makes declarations of government IT projects for scale
// tests and load generation: names and contents built from the words such
// declarations use, deterministic for a seed, with a share of
// near-duplicates (a project declared again by another unit with a word or
// two changed), so that the 第四条 check has something to find. The texts
// are made up; they only need the shape of real ones: a few thousand
// distinct words' bigrams that recur across projects, and rarer bigrams
// where words meet.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Units are the declaring units of the generated projects.
var Units = strings.Fields(`区教委 区卫健委 区公安分局 区民政局 区人力社保局 区规划自然资源局 区生态环境局
	区住房城乡建委 区城市管理局 区交通局 区农业农村委 区商务委 区文化旅游委 区应急局 区市场监管局
	区统计局 区医保局 区信访办 区司法局 区财政局 区审计局 区税务局 区水利局 区林业局 区退役军人事务局
	区体育局 区机关事务局 区政务服务中心 区档案馆 区融媒体中心 区残联 区妇联 区总工会 团区委 区科协
	区消防救援支队 区气象局 区国资委 区发展改革委 区大数据发展局`)

var (
	prefixes = strings.Fields(`智慧 数字 全区 一体化 统一 综合 协同 移动 网格化 精细化 标准化 可视化 智能 联网 集约化`)
	objects  = strings.Fields(`教育 校园 课堂 学籍 医疗 医院 公共卫生 疾控 社保 就业 养老 低保 救助 户籍 治安 交通
		停车 公交 道路 桥梁 排水 供水 燃气 环境 大气 水质 噪声 垃圾分类 市容 园林 绿化 应急 防汛 地灾 消防
		安全生产 危化品 食品 药品 特种设备 市场主体 信用 税收 财政 预算 国资 审计 统计 档案 信访 法律援助
		社区矫正 人民调解 退役军人 残疾人 妇女儿童 工会 志愿服务 文化馆 图书馆 旅游 体育场馆 农业 农产品
		农村 林业 水利 气象 规划 不动产 住房 物业 建筑工地 政务服务 一网通办 公文 会议 视频会商 融媒体 舆情
		网络安全 数据资源 电子证照 人口 法人 地理信息 物联感知 视频监控 政务云 电子政务外网`)
	kinds = strings.Fields(`管理 服务 监管 监测 预警 指挥 调度 分析 决策 共享 交换 审批 办理 考核 评价 巡查 执法 登记 统计 查询`)
	forms = strings.Fields(`平台 系统 中心 工程 专网 数据库 大屏 小程序 终端 门户`)
	verbs = strings.Fields(`建设 升级 改造 扩容 整合 完善 新建 迁移 对接 接入`)
	aims  = strings.Fields(`提升 实现 支撑 保障 推进 强化 优化 加快 健全 提高`)
	goals = strings.Fields(`办事效率 监管能力 服务水平 数据共享 业务协同 决策科学化 群众满意度 风险防控 资源利用率
		信息安全 运行稳定性 响应速度 基层减负 跨部门联动 全流程留痕`)
	extras = strings.Fields(`覆盖 镇街 村社区 部门 学校 医疗机构 企业 窗口 网点 点位 终端 用户 账号 接口 模块 子系统`)
)

// Project is a generated declaration's texts and unit.
type Project struct {
	Unit, Name, Content string
	// DuplicateOf is the index of the project this one nearly repeats,
	// or -1.
	DuplicateOf int
}

// Generator makes projects; the same seed makes the same sequence.
type Generator struct {
	rng  *rand.Rand
	made []Project
	// DuplicateShare is the share of projects that nearly repeat an
	// earlier one (default 0.02).
	DuplicateShare float64
}

// New returns a generator for seed.
func New(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), DuplicateShare: 0.02}
}

func (g *Generator) pick(ws []string) string { return ws[g.rng.IntN(len(ws))] }

// Next returns the next project. A near-duplicate is kept in memory by
// index only; the generator remembers every project it made, so make a
// new one per run of a few hundred thousand.
func (g *Generator) Next() Project {
	if n := len(g.made); n > 0 && g.rng.Float64() < g.DuplicateShare {
		i := g.rng.IntN(n)
		src := g.made[i]
		p := Project{Unit: g.pick(Units), Name: src.Name, Content: g.edit(src.Content), DuplicateOf: i}
		g.made = append(g.made, p)
		return p
	}
	obj := g.pick(objects)
	name := g.pick(prefixes) + obj + g.pick(kinds) + g.pick(forms)
	var b strings.Builder
	clauses := 3 + g.rng.IntN(3)
	for i := range clauses {
		if i > 0 {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%s%s%s%s，%s%s%s%d个%s", g.pick(verbs), g.pick(objects), g.pick(kinds), g.pick(forms),
			g.pick(extras), g.pick(objects), g.pick(extras), 2+g.rng.IntN(98), g.pick(extras))
	}
	fmt.Fprintf(&b, "，%s%s%s。", g.pick(aims), obj, g.pick(goals))
	p := Project{Unit: g.pick(Units), Name: name, Content: b.String(), DuplicateOf: -1}
	g.made = append(g.made, p)
	return p
}

// edit changes a word or two of a text.
func (g *Generator) edit(s string) string {
	for range 1 + g.rng.IntN(2) {
		s = strings.Replace(s, g.pick(kinds), g.pick(kinds), 1)
	}
	return s
}
