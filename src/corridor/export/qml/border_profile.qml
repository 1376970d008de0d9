<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- border_profile: one small dot a kilometre along the road, coloured as the map colours the road
     by its distance to the border (closer than, within, or farther than the "about 30 km" band). -->
<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="0">
  <renderer-v2 type="graduatedSymbol" attr="border_km" graduatedMethod="GraduatedColor" symbollevels="0" forceraster="0" enableorderby="0">
    <ranges>
      <range lower="0" upper="${lo}" symbol="0" label="closer than ${lo} km to the border" render="true"/>
      <range lower="${lo}" upper="${hi}" symbol="1" label="${lo}–${hi} km: about 30 km holds" render="true"/>
      <range lower="${hi}" upper="100000" symbol="2" label="farther than ${hi} km" render="true"/>
    </ranges>
    <symbols>
      <symbol name="0" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="${closer}" type="QString"/>
            <Option name="name" value="circle" type="QString"/>
            <Option name="outline_style" value="no" type="QString"/>
            <Option name="size" value="4" type="QString"/>
            <Option name="size_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="1" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="${holds}" type="QString"/>
            <Option name="name" value="circle" type="QString"/>
            <Option name="outline_style" value="no" type="QString"/>
            <Option name="size" value="4" type="QString"/>
            <Option name="size_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="2" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="${farther}" type="QString"/>
            <Option name="name" value="circle" type="QString"/>
            <Option name="outline_style" value="no" type="QString"/>
            <Option name="size" value="4" type="QString"/>
            <Option name="size_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <layerGeometryType>0</layerGeometryType>
</qgis>
