package review

import (
	"fmt"
	"strings"
)

// ItemCategory says what one part of a declared project is, for the scope
// of the measure (第二条). The in-scope categories follow 第二条's list of
// what 政务信息化项目 mainly include; the excluded ones follow its list of
// office purchases that are not such projects (个人电脑、照相机、复印机、
// 移动存储设备、软件产品、耗材等).
//
// Declaring categories is more reliable than reading the free text of
// 项目内容及功能: the unit says what it buys, and the reviewer can see it.
type ItemCategory string

// In-scope categories (第二条 "主要包括").
const (
	ItemNetwork             ItemCategory = "network"              // 信息网络（含楼宇综合布线和机房建设）
	ItemCloudPlatform       ItemCategory = "cloud_platform"       // 云服务平台（含各类数据库系统）
	ItemApplication         ItemCategory = "application"          // 信息化应用系统
	ItemInformationResource ItemCategory = "information_resource" // 信息资源开发利用
	ItemSecurity            ItemCategory = "security"             // 信息安全
	// ItemOtherSystem is another information system that supports the
	// unit's duties: 第二条's list is of what projects "mainly" include.
	ItemOtherSystem ItemCategory = "other_system"
)

// Excluded categories (第二条 "不包括").
const (
	ItemPC               ItemCategory = "pc"                // 个人电脑
	ItemCamera           ItemCategory = "camera"            // 照相机
	ItemCopier           ItemCategory = "copier"            // 复印机
	ItemRemovableStorage ItemCategory = "removable_storage" // 移动存储设备
	ItemSoftwareProduct  ItemCategory = "software_product"  // 软件产品（办公用成品软件）
	ItemConsumables      ItemCategory = "consumables"       // 耗材
	// ItemOfficeEquipment is other office equipment of the same sort
	// (printers, scanners, …): 第二条's exclusion list ends with 等.
	ItemOfficeEquipment ItemCategory = "office_equipment"
)

// ItemCategories lists every category, in-scope ones first.
func ItemCategories() []ItemCategory {
	return []ItemCategory{
		ItemNetwork, ItemCloudPlatform, ItemApplication, ItemInformationResource, ItemSecurity, ItemOtherSystem,
		ItemPC, ItemCamera, ItemCopier, ItemRemovableStorage, ItemSoftwareProduct, ItemConsumables, ItemOfficeEquipment,
	}
}

// Valid reports whether c is a known category.
func (c ItemCategory) Valid() bool {
	_, ok := itemLabels[c]
	return ok
}

// Excluded reports whether c is an office purchase that 第二条 excludes
// from 政务信息化项目.
func (c ItemCategory) Excluded() bool {
	switch c {
	case ItemPC, ItemCamera, ItemCopier, ItemRemovableStorage, ItemSoftwareProduct, ItemConsumables, ItemOfficeEquipment:
		return true
	}
	return false
}

// ZH returns the category's Chinese name, in the words of 第二条.
func (c ItemCategory) ZH() string {
	if l, ok := itemLabels[c]; ok {
		return l[0]
	}
	return string(c)
}

// EN returns the category's English name.
func (c ItemCategory) EN() string {
	if l, ok := itemLabels[c]; ok {
		return l[1]
	}
	return string(c)
}

var itemLabels = map[ItemCategory][2]string{
	ItemNetwork:             {"信息网络（含楼宇综合布线和机房建设）", "information network (incl. building cabling and server rooms)"},
	ItemCloudPlatform:       {"云服务平台（含各类数据库系统）", "cloud service platform (incl. database systems)"},
	ItemApplication:         {"信息化应用系统", "application system"},
	ItemInformationResource: {"信息资源开发利用", "information resource development"},
	ItemSecurity:            {"信息安全", "information security"},
	ItemOtherSystem:         {"其他支撑履职的信息系统", "other information system supporting the unit's duties"},
	ItemPC:                  {"个人电脑", "personal computers"},
	ItemCamera:              {"照相机", "cameras"},
	ItemCopier:              {"复印机", "copiers"},
	ItemRemovableStorage:    {"移动存储设备", "removable storage"},
	ItemSoftwareProduct:     {"软件产品", "packaged software"},
	ItemConsumables:         {"耗材", "consumables"},
	ItemOfficeEquipment:     {"其他办公设备", "other office equipment"},
}

// CheckScope reports whether a declaration falls under the measure at all.
//
// 第十九条: a classified project (Classified) is handled under the rules
// on state secrets or the special national rules, not this process; the
// finding "classified_project" is returned alone.
//
// 第二条: a declaration whose items are all excluded office purchases
// (个人电脑, 照相机, 复印机, 移动存储设备, 软件产品, 耗材 and the like) is not a
// 政务信息化项目; the finding "out_of_scope" names them. A declaration that
// mixes such purchases with in-scope items is in scope, and one that lists
// no items is not judged here (the reviewer reads its content at the
// preliminary review).
//
// Every finding is a refusal.
func CheckScope(d Declaration) []Finding {
	if d.Classified {
		return []Finding{{
			Code: "classified_project", Article: "第十九条", Field: "classified",
			ZH: "涉及国家秘密或国家有专门规定的信息化项目，按有关规定办理，不适用本办法的申报审核流程",
			EN: "a project involving state secrets or under special national rules is handled under those rules, not this declaration process",
		}}
	}
	if len(d.Items) == 0 {
		return nil
	}
	var zhs, ens []string
	seen := map[ItemCategory]bool{}
	for _, it := range d.Items {
		if !it.Category.Excluded() {
			return nil
		}
		if !seen[it.Category] {
			seen[it.Category] = true
			zhs = append(zhs, it.Category.ZH())
			ens = append(ens, it.Category.EN())
		}
	}
	return []Finding{{
		Code: "out_of_scope", Article: "第二条", Field: "items",
		ZH: fmt.Sprintf("申报内容仅为办公使用的%s的购置，不属于政务信息化项目，不按本办法申报", strings.Join(zhs, "、")),
		EN: fmt.Sprintf("the declaration only buys office %s, which is not a government IT project under this measure", strings.Join(ens, ", ")),
	}}
}
