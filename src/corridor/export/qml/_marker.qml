        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="${colour}" type="QString"/>
            <Option name="joinstyle" value="miter" type="QString"/>
            <Option name="name" value="${shape}" type="QString"/>
            <Option name="outline_color" value="255,255,255,255" type="QString"/>
            <Option name="outline_style" value="solid" type="QString"/>
            <Option name="outline_width" value="1.5" type="QString"/>
            <Option name="outline_width_unit" value="Pixel" type="QString"/>
            <Option name="size" value="${size}" type="QString"/>
            <Option name="size_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
